// Shape: a small fixed-capacity list of dimension sizes (or strides), kept inline so that
// creating a tensor never allocates for its shape.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace bp {

constexpr int kMaxDims = 6;

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);
  template <class It>
  Shape(It first, It last) {
    for (; first != last; ++first) push_back(static_cast<int64_t>(*first));
  }

  int size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t operator[](int i) const { return d_[static_cast<size_t>(i)]; }
  int64_t& operator[](int i) { return d_[static_cast<size_t>(i)]; }
  int64_t back() const { return d_[static_cast<size_t>(n_ - 1)]; }
  const int64_t* begin() const { return d_.data(); }
  const int64_t* end() const { return d_.data() + n_; }
  int64_t* begin() { return d_.data(); }
  int64_t* end() { return d_.data() + n_; }

  void push_back(int64_t v);
  void insert(int pos, int64_t v);
  void erase(int pos);

  /// Product of the dimensions (1 for a scalar shape).
  int64_t numel() const;
  /// "[2, 3]"
  std::string str() const;

  friend bool operator==(const Shape& a, const Shape& b) {
    if (a.n_ != b.n_) return false;
    for (int i = 0; i < a.n_; ++i)
      if (a.d_[static_cast<size_t>(i)] != b.d_[static_cast<size_t>(i)]) return false;
    return true;
  }
  friend bool operator!=(const Shape& a, const Shape& b) { return !(a == b); }

 private:
  std::array<int64_t, kMaxDims> d_{};
  int n_ = 0;
};

/// Row-major (C-order) strides of a shape.
Shape contiguous_strides(const Shape& shape);

/// NumPy broadcasting of two shapes; throws ShapeError naming `op` when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

}  // namespace bp
