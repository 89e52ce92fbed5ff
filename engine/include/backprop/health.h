// Why a network stops learning, read from its weights and its training points: weight decay or
// regularization that flattened it (its outputs all but the same for every point: the weights
// pulled toward 0 harder than the data pulls them away), hidden ReLUs that are dead (0 for every
// training point, so no gradient passes them and they never learn again) and hidden layers whose
// neurons are copies of one another (equal weights get equal gradients, so the copies never part
// and the layer works as one neuron); a run whose steps overshoot (its training loss stays
// above where it started: a learning rate too high); and tanh or sigmoid units saturated at
// their limits while the loss is no better than one answer for every point, or far above the
// lowest it reached (a learning rate too high drove the weights so large that no gradient
// passes). The app's Training panel and
// `backprop train` both report them.
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "backprop/data.h"
#include "backprop/features.h"
#include "backprop/nn.h"
#include "backprop/train.h"

namespace bp {

/// At or below this size a weight counts as 0. A layer whose weights are all this small passes on
/// nothing but its bias, and (for a layer after the first) passes back no gradient: weights that
/// learn are orders of magnitude larger. Weight decay and regularization pull weights this far down
/// (to denormals, or to 0 exactly), as the zeros initializer starts them there.
constexpr float kZeroWeight = 1e-6f;

/// Whether every weight in `weights` is at most kZeroWeight in size (NaN and Inf are not).
bool all_zero_weights(const std::vector<float>& weights);

/// Below this spread of its outputs over the training points, a network gives every point all but
/// the same output: a probability that differs by under 0.25% between any two points (for
/// regression, as a fraction of the targets' range).
constexpr float kFlatSpread = 1e-2f;

/// At or below this size, every weight of a network has shrunk far below where initializers start
/// them (its first layer's largest weight, with at most 7 inputs, starts at 0.3 or more).
constexpr float kShrunkWeight = 0.1f;

/// Below this, the loss's slope for a shift of every output alike (what its output bias follows)
/// counts as settled: for cross-entropy, the one probability given to every point is within 0.01
/// of the label's share (for regression, as a fraction of the targets' range).
constexpr float kSettledSlope = 1e-2f;

/// A network that weight decay or regularization flattened.
struct Flattened {
  float spread = 0;          ///< its outputs' largest spread over the training points (see kFlatSpread)
  float largest_weight = 0;  ///< in size
  bool regression = false;   ///< `spread` is a fraction of the targets' range
};

/// Whether weight decay or regularization flattened `model`: `config` has either (and does not
/// start the weights at 0: then the initializer is why), every weight has shrunk (kShrunkWeight:
/// a network flat for another reason, such as dead ReLUs or vanishing gradients, keeps weights
/// larger), the training points (up to kDeadCheckPoints of them, evenly spread, through
/// `features`) have two or more labels, every output's spread over them (largest minus smallest;
/// for regression, over the targets' range) is below kFlatSpread, and the output bias has settled
/// where the loss is least for one output given to every point (kSettledSlope; not checked for
/// the hinge loss, whose slope does not settle): a flat network thrown off that by a learning rate
/// too high is not explained by decay, though decay shrinks the weights its dead ReLUs left idle.
/// `weights`: the model's own, as host_weights gives them.
std::optional<Flattened> flattened(MLP& model, const std::vector<LayerWeights>& weights, const FeatureSet& features,
                                   const Dataset& train, const TrainConfig& config);
/// What it means, in sentences for a user ("The network gives every training point nearly the
/// same output ...") and why.
std::string flattened_summary(const Flattened& flat);

/// Training points the dead-ReLU check looks at (evenly spread over larger sets).
constexpr int64_t kDeadCheckPoints = 2000;

/// A hidden ReLU layer with dead neurons.
struct DeadReLULayer {
  int layer = 0;  ///< 0 = the first hidden layer
  int dead = 0, total = 0;
  std::vector<int> neurons;  ///< which (0-based), in order
  /// Of the dead, those whose incoming weights are all 0 (all_zero_weights: the zeros initializer,
  /// or weight decay): never alive, or held at 0, rather than killed by a high learning rate.
  int zero_weights = 0;
  /// Of the dead, those that were dead with the weights the run started from too
  /// (mark_dead_from_start): no learning rate killed them.
  int from_start = 0;
};

/// Where the weights a run started from came from, for what dead_relu_summary says of neurons
/// that were dead with them.
enum class RunStart {
  Unknown,      ///< not known (a trained model file or session): the dead are not told apart,
                ///< but by the loss history where there is one (a jump: the learning rate)
  Initialized,  ///< the initializer, from the seed
  Loaded,       ///< given: a file's weights (a saved session, `--init`) or weights set by hand
};

/// Per hidden ReLU layer of `model` with dead neurons, which: a neuron is dead when its ReLU
/// outputs 0 for every training point (up to kDeadCheckPoints of them, evenly spread), through
/// `features`. `weights` is the model's own, as host_weights gives them.
std::vector<DeadReLULayer> dead_relus(MLP& model, const std::vector<LayerWeights>& weights,
                                      const FeatureSet& features, const Dataset& train);

/// Sets each layer's from_start in `dead` (dead_relus of a model after training): how many of
/// its dead neurons `start`, the same network with the weights the run started from, leaves
/// dead on the same points. A ReLU that the first weights give 0 for every point passes back no
/// gradient from the start: it never learned, whatever the learning rate (with few neurons a
/// layer, common: after one step at a rate of 0.001, a third of default 8-8 ReLU networks on
/// the circle have one).
void mark_dead_from_start(std::vector<DeadReLULayer>& dead, MLP& start, const FeatureSet& features, const Dataset& train);
/// The same from `at_start`, dead_relus of the first weights on the same points, found once (the
/// app keeps it until the weights begin anew or the points change).
void mark_dead_from_start(std::vector<DeadReLULayer>& dead, const std::vector<DeadReLULayer>& at_start);
/// The first seed after `after` (wrapping past the largest; at most `tries` of them) whose initial
/// weights for `config`'s network leave no ReLU dead on `train`, or none: the remedy for ReLUs
/// dead from the start, sure to work where a seed picked blindly often is not (the seed after 1
/// of a 6-6 network on the circle leaves two dead).
std::optional<uint64_t> seed_with_live_relus(const TrainConfig& config, const Dataset& train, uint64_t after, int tries = 100);
/// Whether every dead neuron's weights in are all 0: with the zeros initializer they were never
/// alive, so a lower learning rate would not bring them back (weight decay can zero them too).
bool never_alive(const std::vector<DeadReLULayer>& dead);
/// Whether every dead neuron was dead with the run's first weights too (mark_dead_from_start):
/// then a lower learning rate would not help; other first weights (another seed) might.
bool dead_from_start(const std::vector<DeadReLULayer>& dead);

/// At or above this share of a layer's ReLUs dead, the dead may cost the network what it needs
/// to learn its points (dead_relus_hurt).
constexpr float kDeadShare = 0.5f;
/// Whether dead ReLUs keep the network from learning, so that a remedy is called for: a layer
/// whose ReLUs are all dead (nothing passes through it), or one with kDeadShare or more of them
/// dead while the training loss `train_loss` is above kFarFromLearned x the constant answer's
/// (`constant_loss`: constant_answer_loss), or not finite. A network that learned its points with
/// a few of its ReLUs dead needs none: gradient descent turns ReLUs off at any rate (3,000 steps
/// of the default 8-8 network with ReLU on the circle, XOR, the Gaussians, the spiral and the
/// moons, 4 seeds each: 14 of the 20 runs were warned of 1 to 5 dead, 13 of them at a training
/// accuracy of 100% and one at 96.9%; none is now).
bool dead_relus_hurt(const std::vector<DeadReLULayer>& dead, float train_loss, float constant_loss);
/// The same, taking constant_answer_loss(config, train) (a pass over the training points) only
/// where the loss decides; false where the training points have one_target (a network that
/// gives every point the same answer is right, dead or not).
bool dead_relus_hurt(const std::vector<DeadReLULayer>& dead, float train_loss, const TrainConfig& config, const Dataset& train);
/// The dead ReLUs that do not hurt (dead_relus_hurt), in a sentence for a user: "1 of 8 neurons
/// in layer 2 is dead (its ReLU outputs 0 for every training point); the network learned its
/// points without it." "" when there are none.
std::string dead_relu_note(const std::vector<DeadReLULayer>& dead);

/// How far the training loss must rise above its lowest so far for ReLUs that died as a network
/// trained to be put down to a learning rate too high. Measured (1,000-step runs of 6-6 ReLU
/// networks on the circle, XOR and the spiral, 8 seeds each, the loss recorded every step):
/// where neurons died at SGD rates 3 and 10 or Adam 1, the loss had risen to at least 1.39 x
/// its lowest; where they died at Adam 0.001 or SGD 0.03 (9 of 24 runs at Adam's default rate
/// lose one), to at most 1.02 x: gradient descent turns a ReLU off at any rate.
constexpr float kLossJump = 1.3f;
/// Whether a training loss recorded in `history` from step `since` on rose to kLossJump x the
/// lowest recorded before it (from `since` on), or is not finite.
bool loss_jumped(const std::vector<HistoryPoint>& history, int64_t since = 0);
/// loss_jumped one loss at a time, for a history that is thinned as it grows (the app's): once
/// jumped, it stays so, whichever points are dropped later.
struct LossJumpWatch {
  float lowest = std::numeric_limits<float>::infinity();
  bool jumped = false;
  void add(float train_loss);
};

/// What to offer for dead ReLUs (dead_relu_remedy).
enum class DeadReLURemedy {
  DefaultInit,  ///< their weights are all 0 from the zeros initializer: another initializer
  AnotherSeed,  ///< dead with the first weights the initializer gave: other first weights
  Reset,        ///< dead in the weights training started from (a file's, or set by hand): new ones
  LowerRate,    ///< killed as the loss jumped: a lower learning rate
  LeakyReLU,    ///< killed while the loss fell steadily, as at any rate: a leaky ReLU never dies
  Unknown,      ///< where the first weights and the loss history are not known (a model file)
};
/// Which remedy the evidence supports: `zeros_init`, where the first weights came from
/// (`start`), and whether the loss jumped since (`jumped`: loss_jumped).
DeadReLURemedy dead_relu_remedy(const std::vector<DeadReLULayer>& dead, bool zeros_init, RunStart start, bool jumped);
/// What the dead ReLUs mean, in sentences for a user: "2 of 6 neurons in layer 1 are dead. "
/// and why, as dead_relu_remedy decides it: weights all 0 (naming the zeros initializer only
/// when `zeros_init`); dead from the start (the initializer's weights or given ones); a learning
/// rate too high; or gradient descent, which turns a ReLU off at any rate (both saying how many
/// were dead from the start, if any); for an Unknown start, each way it happens. "" when there
/// are none.
std::string dead_relu_summary(const std::vector<DeadReLULayer>& dead, bool zeros_init, RunStart start, bool jumped);

/// A hidden layer whose neurons are all copies of the first.
struct CopiedLayer {
  int layer = 0;    ///< 0 = the first hidden layer
  int neurons = 0;  ///< its width: every one of them a copy of the first
  friend bool operator==(const CopiedLayer&, const CopiedLayer&) = default;
};

/// For a network's Linear layers in order (the last one the output layer), each hidden layer of
/// two or more neurons in which every neuron equals the first: its weights in, its bias and its
/// weights out, each within `rel_tol` of the largest magnitude among them (equal but for float
/// rounding; all zero counts as equal).
std::vector<CopiedLayer> copied_layers(const std::vector<LayerWeights>& layers, float rel_tol = 1e-5f);
/// What the copies mean, in sentences for a user ("In layers 1 and 2, the neurons are copies of
/// one another: ..."), naming the zeros initializer when `zeros_init`; "" when there are none.
std::string copied_summary(const std::vector<CopiedLayer>& copied, bool zeros_init);

/// How far above where it started, and above one answer for every point, a run's recent training
/// loss must stay to count as overshooting (a run that learns ends far below both; one stuck at a
/// constant answer ends at about the second).
constexpr float kOvershootRatio = 1.5f;
/// The same for a run whose loss jumped (loss_jumped): above where it started by this much, it
/// is jumping around rather than held near one answer's loss by saturated units (measured: plain
/// SGD at rate 10 on the spiral, tanh and sigmoid, 1.27 x and 1.23 x; saturated tanh networks at
/// Adam rate 3 on the circle, 1.00 x and, jumping between 0.55 and 2.7, 1.14 x: named as such).
constexpr float kJumpyOvershootRatio = 1.2f;
/// The fewest steps a run must span before it is judged (the first steps can rise on their way).
constexpr int64_t kOvershootSteps = 50;

/// The training loss of the best constant answer: the same output for every point of `train`
/// (the label shares' logits, the majority's sign for the hinge loss, the mean target), by the
/// loss `config` trains with. A network that has learned nothing scores about this.
float constant_answer_loss(const TrainConfig& config, const Dataset& train);

/// The one target every point of `train` has (one class, or one value of a regression), or none
/// where they differ or there are none. Then one answer for every point fits them all and there
/// is nothing else to learn, so the findings that measure a run against that answer's loss
/// (saturated, dead_relus_hurt, flattened, large_targets) do not apply: a tanh network on 40
/// points of class 1 reached a loss of 1.3e-5 and was told it "is not learning ... the learning
/// rate is probably too high", its layer 2 at ±1 (as it must be, to give every point class 1).
std::optional<float> one_target(const Dataset& train);
/// What it means, in a sentence for a user: "All 40 training points are class 1, so one answer for
/// every point fits them all: there is no boundary to learn." (of a regression: "have the value
/// 0.5 ... there is nothing else to learn").
std::string one_target_summary(float target, const Dataset& train, Problem problem);

/// A run whose steps overshoot: lately its training loss stays well above where it started.
struct Overshoot {
  float recent = 0;    ///< the median training loss over the run's recent points
  float start = 0;     ///< the training loss at the run's first point
  float constant = 0;  ///< the loss of one answer for every point (constant_answer_loss)
  int64_t since = 0;   ///< the recent points are the steps after this one
  int64_t until = 0;   ///< up to this one: the last recorded
};

/// Whether the run recorded in `history` (the training loss over the whole training set, as
/// Trainer::record and the app record it, oldest first) overshoots: it spans kOvershootSteps or
/// more, and the median of its recent points (the last tenth of its steps, 20 to 200 of them;
/// at least its last point) is finite and above kOvershootRatio × the larger of its first point
/// and `constant_loss`, or above kJumpyOvershootRatio × it in a run whose loss jumped (loss_jumped:
/// plain SGD at rate 10 on the spiral jumps between 0.53 and 3.3 with a recent median of 0.87,
/// where one answer for every point scores 0.69, and was not named). The learning rate is then
/// too high (or, for plain SGD, the weight decay times it): each step overshoots the minimum, so
/// the loss jumps around instead of falling.
std::optional<Overshoot> overshooting(const std::vector<HistoryPoint>& history, float constant_loss);
/// The same with constant_answer_loss(config, train), which takes a pass over the training points:
/// taken only for a run already above the bar its start alone sets (the constant answer can only
/// raise the bar).
std::optional<Overshoot> overshooting(const std::vector<HistoryPoint>& history, const TrainConfig& config, const Dataset& train);
/// What it means, in sentences for a user ("The training loss stays above where it started ..."),
/// with the likely cause (divergence_advice of `config` and `train`, without its suggestion).
/// `live`: for a run still training (the app's banner, rewritten with every new snapshot), "over
/// the last 200 steps" rather than "over steps 1801-2000", which changed as it was read.
std::string overshoot_summary(const Overshoot& o, const TrainConfig& config, const Dataset& train, bool live = false);

/// Within this of its limits (±1 for tanh, 0 or 1 for the sigmoid) a unit's output counts as
/// saturated: tanh's slope there is under 0.02 (the sigmoid's under 0.01), so almost no gradient
/// passes back through it.
constexpr float kSaturatedOutput = 0.01f;
/// At or above this share of its tanh and sigmoid outputs over the training points saturated, a
/// network that has learned nothing is stuck for that reason. Networks that learned are often
/// mostly saturated too (90% for plain SGD at rate 10 on the circle, whose loss is then 0.000);
/// only beside a loss at the constant answer's, or one that lost what it learned, does it say why.
constexpr float kSaturatedShare = 0.95f;
/// At or above this fraction of the constant answer's loss, a run's recent training loss is no
/// better than one answer for every point: it has learned about nothing.
constexpr float kNothingLearned = 0.9f;
/// At or above this many times the lowest training loss a run reached, and kFarFromLearned ×
/// the constant answer's, its recent training loss has lost what it learned.
constexpr float kLostRatio = 2.0f;
constexpr float kFarFromLearned = 0.25f;

/// A network whose tanh or sigmoid units are saturated, with a training loss no better than one
/// answer for every point, or far above the lowest it reached: a learning rate too high drove
/// their weights so large that almost no gradient passes back, and training has stopped.
struct Saturated {
  float share = 0;           ///< of its tanh and sigmoid outputs over the training points, at their limits
  float largest_weight = 0;  ///< in size
  float recent = 0;          ///< the median training loss over the run's recent points (as Overshoot)
  float constant = 0;        ///< the loss of one answer for every point (constant_answer_loss)
  float best = 0;            ///< the lowest training loss recorded in the run
  int64_t best_step = 0;     ///< where
  int64_t since = 0, until = 0;
  bool tanh = false, sigmoid = false;  ///< which kinds of unit it has
  /// Where under kSaturatedShare of them all are at their limits: the hidden layer (0 = the
  /// first) that has at least that share of its own there, and the share; else -1.
  int layer = -1;
  float layer_share = 0;
  bool layer_tanh = false;  ///< that layer's kind: tanh, else the sigmoid
  /// Whether the recent loss is no better than the constant answer's (else it lost what it learned).
  bool nothing_learned() const { return recent >= kNothingLearned * constant; }
};

/// Whether `model` is saturated and stuck: the run recorded in `history` (as for overshooting)
/// spans kOvershootSteps or more, the median of its recent points is finite and at least
/// kNothingLearned × constant_answer_loss (it learned nothing), or kLostRatio × the lowest point of
/// the run and kFarFromLearned × constant_answer_loss (it lost what it learned; a trained run
/// whose tiny loss wanders is not), the model has hidden tanh or sigmoid layers, and at
/// least kSaturatedShare of their outputs over the training points (up to kDeadCheckPoints of
/// them, evenly spread, through `features`) are within kSaturatedOutput of their limits, or of
/// one such layer's (no gradient passes back through it, and the layers after it see about the
/// same values for every point: Adam at rate 1 on the moons left a sigmoid 8-8 network's layer 2
/// all at 0, 85% of all its outputs, with the loss at one answer's, and it was not named).
/// `weights`: the model's own, as host_weights gives them. The forward pass over the points is
/// taken only for a run whose loss already qualifies. None where the training points have
/// one_target.
std::optional<Saturated> saturated(MLP& model, const std::vector<LayerWeights>& weights, const FeatureSet& features,
                                   const Dataset& train, const TrainConfig& config, const std::vector<HistoryPoint>& history);
/// What it means, in sentences for a user ("The network is not learning: ...", or "... has
/// stopped learning: ..." for one that lost what it learned), and why.
std::string saturated_summary(const Saturated& s, const TrainConfig& config, bool live = false);

/// Beyond this size, a regression's targets are large: a network's outputs start within about 1
/// of 0, so the output must grow far while errors as large push every weight hard (targets of
/// 30 learn well with the default settings; of 60, or 1,000, barely or not at all, at any rate).
constexpr float kLargeTarget = 10.0f;
/// The most steps of the trial run that large_targets trains on the scaled targets, and the most
/// points (evenly spread over more): with the app's largest network (8 layers of 32) a trial
/// takes about 0.5 s on one core here, with the default one about 20 ms.
constexpr int64_t kScaledTrialSteps = 2000;
constexpr int64_t kScaledTrialPoints = 500;

/// A regression that learns little because its targets are large, as a trial on the same points
/// with the targets scaled to -1..1 showed.
struct LargeTargets {
  float low = 0, high = 0;    ///< the training targets' range
  float recent = 0;           ///< the median training loss over the run's recent points (as Overshoot)
  float constant = 0;         ///< the loss of one answer for every point (constant_answer_loss)
  int64_t since = 0, until = 0;
  int64_t trial_steps = 0;    ///< the trial's steps
  float trial_share = 0;      ///< its training loss as a share of one answer's for its targets
  /// The run's recent loss as a share of one answer's.
  float share() const { return recent / constant; }
};

/// Whether a regression's large targets keep `config`'s network from learning, measured: the
/// training targets reach beyond ±kLargeTarget; the run recorded in `history` (as for
/// overshooting) spans kOvershootSteps or more with a recent training loss of at least
/// kFarFromLearned × one answer's for every point; and a trial that trains the same network and
/// settings from new weights (`config`'s seed) on the same points (up to kScaledTrialPoints of
/// them, evenly spread) with the targets scaled to -1..1 (scale_target), for as many steps as the
/// run took, up to kScaledTrialSteps (below that, the largest power of two within them), learns something (below kNothingLearned × one answer's loss
/// for its targets) and gets below half the run's share of one answer's loss. A lower learning rate does not help such a run (it learns slower
/// still); the warnings that would blame the rate (saturated units, overshoot, dead ReLUs) come
/// after this one. The trial is taken only where the rest holds.
/// `memo`: a trial of as many steps kept from an earlier call about the same run is used again,
/// and a new one kept there (the app asks at every snapshot; it clears the memo when the points,
/// settings or weights change).
struct ScaledTrial {
  int64_t steps = -1;
  float share = 0;
};
std::optional<LargeTargets> large_targets(const std::vector<HistoryPoint>& history, const TrainConfig& config, const Dataset& train,
                                          ScaledTrial* memo = nullptr);
/// What it means, in sentences for a user, with the trial's result.
std::string large_targets_summary(const LargeTargets& t, bool live = false);
/// `y` of targets in [low, high] moved to -1..1: (y - (low + high) / 2) / ((high - low) / 2);
/// where all are equal (low == high), y - low.
float scale_target(float y, float low, float high);

}  // namespace bp
