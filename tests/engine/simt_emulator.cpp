#include "simt_emulator.h"

#include <cmath>
#include <map>

namespace bp::simt {

// ---- memory -----------------------------------------------------------------------------------

float CheckedGlobal::load(int64_t i) const {
  if (i < 0 || i >= n) {
    launch->problem("global memory index out of range", "read of element " + std::to_string(i) + " of " + std::to_string(n));
    return NAN;
  }
  std::lock_guard<std::mutex> lock(launch->mu_);
  return p[i];
}

void CheckedGlobal::store(int64_t i, float v) const {
  if (i < 0 || i >= n) {
    launch->problem("global memory index out of range", "write of element " + std::to_string(i) + " of " + std::to_string(n));
    return;
  }
  std::lock_guard<std::mutex> lock(launch->mu_);
  p[i] = v;
}

Launch::Cell& Launch::touch(int64_t i, int thread, const char* what) {
  static Cell dummy;
  if (i < 0 || i >= static_cast<int64_t>(cells_.size())) {
    problems_.push_back("shared memory index out of range: " + std::string(what) + " of element " + std::to_string(i) + " of " +
                        std::to_string(cells_.size()) + " by thread " + std::to_string(thread));
    dummy = Cell{};
    return dummy;
  }
  Cell& c = cells_[static_cast<size_t>(i)];
  if (c.epoch != epoch_) {  // the first touch since the last barrier
    c.epoch = epoch_;
    c.writer = -1;
    c.readers.clear();
  }
  return c;
}

float CheckedShared::load(int64_t i) const {
  Launch& l = *launch;
  std::lock_guard<std::mutex> lock(l.mu_);
  Launch::Cell& c = l.touch(i, thread, "read");
  if (!c.written)
    l.problems_.push_back("read of unwritten shared memory: element " + std::to_string(i) + " by thread " + std::to_string(thread));
  if (c.writer >= 0 && c.writer != thread)
    l.problems_.push_back("shared memory race (read after write, no barrier between): element " + std::to_string(i) + " written by thread " +
                          std::to_string(c.writer) + ", read by thread " + std::to_string(thread));
  c.readers.insert(thread);
  return c.value;
}

void CheckedShared::store(int64_t i, float v) const {
  Launch& l = *launch;
  std::lock_guard<std::mutex> lock(l.mu_);
  Launch::Cell& c = l.touch(i, thread, "write");
  for (int r : c.readers)
    if (r != thread) {
      l.problems_.push_back("shared memory race (write after read, no barrier between): element " + std::to_string(i) + " read by thread " +
                            std::to_string(r) + ", written by thread " + std::to_string(thread));
      break;
    }
  if (c.writer >= 0 && c.writer != thread)
    l.problems_.push_back("shared memory race (two writes, no barrier between): element " + std::to_string(i) + " by threads " +
                          std::to_string(c.writer) + " and " + std::to_string(thread));
  c.writer = thread;
  c.written = true;
  c.value = v;
}

// ---- threads and barriers ---------------------------------------------------------------------

int ThreadCtx::block_x() const { return launch_->bx_; }
int ThreadCtx::block_y() const { return launch_->by_; }
int ThreadCtx::block_dim_x() const { return launch_->block_.x; }
int ThreadCtx::block_dim_y() const { return launch_->block_.y; }
int ThreadCtx::grid_dim_x() const { return launch_->grid_.x; }
int ThreadCtx::grid_dim_y() const { return launch_->grid_.y; }
void ThreadCtx::sync() { launch_->barrier(launch_->flat(tx_, ty_)); }
CheckedShared ThreadCtx::shared() const { return {launch_, launch_->flat(tx_, ty_)}; }

void Launch::problem(const std::string& kind, const std::string& where) {
  std::lock_guard<std::mutex> lock(mu_);
  problems_.push_back(kind + ": " + where);
}

// Everyone still running has arrived: the next epoch starts. A barrier that threads which have
// already returned will never reach is reported (on a GPU it hangs or is undefined).
void Launch::release_locked() {
  if (done_ > 0)
    problems_.push_back("divergent barrier: " + std::to_string(done_) + " thread(s) of block (" + std::to_string(bx_) + ", " +
                        std::to_string(by_) + ") returned before a __syncthreads that " + std::to_string(waiting_) + " others wait at");
  waiting_ = 0;
  ++epoch_;
  cv_.notify_all();
}

void Launch::barrier(int thread) {
  std::unique_lock<std::mutex> lock(mu_);
  if (sequential_) {
    problems_.push_back("barrier in a kernel run as barrier-free: thread " + std::to_string(thread));
    return;
  }
  const uint64_t my_epoch = epoch_;
  ++waiting_;
  if (waiting_ + done_ == block_.x * block_.y) {
    release_locked();
    return;
  }
  cv_.wait(lock, [&] { return epoch_ != my_epoch; });
}

void Launch::finished(int) {
  std::lock_guard<std::mutex> lock(mu_);
  ++done_;
  if (waiting_ > 0 && waiting_ + done_ == block_.x * block_.y) release_locked();
}

Report Launch::run(const std::function<void(ThreadCtx&)>& body) {
  for (by_ = 0; by_ < grid_.y; ++by_)
    for (bx_ = 0; bx_ < grid_.x; ++bx_) {
      cells_.assign(shared_, Cell{});  // shared memory starts unwritten in every block
      waiting_ = done_ = 0;
      std::vector<std::thread> threads;
      for (int ty = 0; ty < block_.y; ++ty)
        for (int tx = 0; tx < block_.x; ++tx)
          threads.emplace_back([this, &body, tx, ty] {
            ThreadCtx ctx(this, tx, ty);
            body(ctx);
            finished(flat(tx, ty));
          });
      for (auto& t : threads) t.join();
    }
  return report();
}

Report Launch::run_sequential(const std::function<void(ThreadCtx&)>& body) {
  sequential_ = true;
  for (by_ = 0; by_ < grid_.y; ++by_)
    for (bx_ = 0; bx_ < grid_.x; ++bx_) {
      cells_.assign(shared_, Cell{});
      for (int ty = 0; ty < block_.y; ++ty)
        for (int tx = 0; tx < block_.x; ++tx) {
          ThreadCtx ctx(this, tx, ty);
          body(ctx);
        }
    }
  sequential_ = false;
  return report();
}

Report Launch::report() const {
  // One line per kind of problem, with the first place and a count.
  Report r;
  std::map<std::string, std::pair<std::string, int>> kinds;
  std::vector<std::string> order;
  for (const std::string& p : problems_) {
    const std::string kind = p.substr(0, p.find(':'));
    auto it = kinds.find(kind);
    if (it == kinds.end()) {
      kinds[kind] = {p, 1};
      order.push_back(kind);
    } else {
      it->second.second++;
    }
  }
  for (const std::string& k : order)
    r.problems.push_back(kinds[k].first + (kinds[k].second > 1 ? " (and " + std::to_string(kinds[k].second - 1) + " more)" : ""));
  return r;
}

}  // namespace bp::simt
