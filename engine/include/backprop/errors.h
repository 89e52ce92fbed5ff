// Typed errors thrown by the engine. Recoverable failures (bad shapes, bad input files, no device)
// throw one of these with a message a user can act on; programmer errors are assertions.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace bp {

/// Base of every error the engine throws on purpose.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Shapes that do not fit the op (names the op and the shapes involved).
struct ShapeError : Error {
  using Error::Error;
};

/// A value out of its allowed range: an axis, a size, a hyperparameter.
struct ValueError : Error {
  using Error::Error;
};

/// A training setting out of range; `setting` names it as the model file's "training" block does
/// ("lr", "min_lr", "hidden", ...), so that a command line can name its flag and a file its field.
struct SettingError : ValueError {
  SettingError(std::string setting_name, const std::string& message) : ValueError(message), setting(std::move(setting_name)) {}
  std::string setting;
};

/// A file that cannot be read or written, or whose contents are malformed.
struct IoError : Error {
  using Error::Error;
};

/// A device that is not available (no CUDA build, no GPU, no driver).
struct DeviceError : Error {
  using Error::Error;
};

}  // namespace bp

namespace bp {

/// `text` made safe to echo in a message: in single quotes, control characters and invalid bytes
/// shown as \xNN escapes (no raw ESC or CR reaches a terminal), and cut after `max_chars`
/// characters with "..." (a 10 MB label is not echoed whole).
std::string quote_text(const std::string& text, size_t max_chars = 60);

/// " (did you mean 'spiral'?)" for the name in `names` nearest to `word` (letters added, removed,
/// changed or two swapped, case aside), when it is near enough to be a slip: one edit for a word
/// of up to five letters, then one more for every four; "" when none is.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& names);

/// "1 step", "2 steps": a count and its noun, plural but for one.
std::string counted(int64_t n, const std::string& noun);

/// "a, b, c": names for a sentence, separated by commas.
std::string comma_separated(const std::vector<std::string>& names);

/// Throws IoError "<source>: is UTF-16 text; save it as UTF-8<how>" when `text` begins with a
/// UTF-16 byte-order mark (Excel's "Unicode Text", Notepad's "Unicode"): files are read as UTF-8,
/// and such a file would otherwise be refused for its first, unreadable, character.
void refuse_utf16(const std::string& text, const std::string& source, const std::string& how = "");

}  // namespace bp
