// Model selection against scikit-learn 1.2.1 (the Debian package), whose outputs the scripts in
// reference/ printed: sklearn_kfold.txt (KFold / StratifiedKFold test folds, warnings and errors
// for n = 10 … 103, k = 2 … 10) and sklearn_grid_search.txt (GridSearchCV over Ridge and over the
// slide's SGDRegressor grid, and every SGDRegressor fit of that search: n_iter_, t_, coef_,
// intercept_). Also r2_score's special cases and Ridge against a second solve.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/QR>

#include <nabla/optim.hpp>

namespace opt = nabla::optim;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

std::vector<std::string> reference_lines(const std::string& file) {
  std::ifstream in(std::string(NABLA_REFERENCE_DIR) + "/" + file);
  REQUIRE(in.good());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string digits(const std::vector<int>& ids) {
  std::string s;
  for (int f : ids) s += static_cast<char>('0' + f);
  return s;
}

// The rest of a line after its first `fields` space-separated fields.
std::string rest_after(const std::string& line, int fields) {
  std::size_t pos = 0;
  for (int i = 0; i < fields; ++i) pos = line.find(' ', pos) + 1;
  return line.substr(pos);
}

struct Data {
  MatrixXd X;
  VectorXd y;
};

struct Candidate {
  std::string params;
  double mean = 0, std = 0;
  int rank = 0;
  std::vector<double> splits;
};

struct Case {
  std::string data, cv;
  std::vector<Candidate> candidates;
  std::size_t best_index = 0;
  double best_score = 0;
  std::string best_params;
  int fit_failed_warnings = 0;
};

struct SgdFit {
  int n_iter = 0;
  double t = 0;
  bool converge_warning = false;
  double intercept = 0;
  VectorXd coef;
};

struct GridReference {
  std::map<std::string, Data> data;
  std::map<std::string, Case> cases;
  std::map<std::pair<int, std::string>, SgdFit> fits;  // (candidate, split or "all")
  SgdFit maxiter;
  std::string maxiter_message;
};

const GridReference& grid_reference() {
  static const GridReference ref = [] {
    GridReference r;
    const auto lines = reference_lines("sklearn_grid_search.txt");
    Case* current = nullptr;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::istringstream in(lines[i]);
      std::string tag;
      in >> tag;
      if (tag == "data") {
        std::string name;
        Eigen::Index n = 0, d = 0;
        in >> name >> n >> d;
        Data& data = r.data[name];
        data.X.resize(n, d);
        data.y.resize(n);
        for (Eigen::Index row = 0; row < n; ++row) {
          std::istringstream rin(lines[++i]);
          for (Eigen::Index j = 0; j < d; ++j) rin >> data.X(row, j);
          rin >> data.y[row];
        }
      } else if (tag == "case") {
        std::string name;
        in >> name;
        current = &r.cases[name];
        in >> current->data >> current->cv;
      } else if (tag == "cand") {
        const std::size_t close = lines[i].find('}');
        Candidate c;
        c.params = lines[i].substr(lines[i].find('{'), close + 1 - lines[i].find('{'));
        std::istringstream tail(lines[i].substr(close + 1));
        std::string mean, std;
        tail >> mean >> std >> c.rank;
        c.mean = std::stod(mean);
        c.std = std::stod(std);
        for (std::string s; tail >> s;) c.splits.push_back(std::stod(s));
        current->candidates.push_back(c);
      } else if (tag == "best") {
        std::string score;
        in >> current->best_index >> score;
        current->best_score = std::stod(score);
        current->best_params = rest_after(lines[i], 3);
      } else if (tag == "warnings") {
        in >> current->fit_failed_warnings;
      } else if (tag == "fit" || tag == "maxiter") {
        SgdFit f;
        int cand = 0;
        std::string split;
        if (tag == "fit") in >> cand >> split;
        int conv = 0;
        in >> f.n_iter >> f.t;
        if (tag == "fit") in >> conv;
        f.converge_warning = conv != 0;
        in >> f.intercept;
        std::vector<double> coef;
        for (double v = 0; in >> v;) coef.push_back(v);
        f.coef = Eigen::Map<VectorXd>(coef.data(), static_cast<Eigen::Index>(coef.size()));
        if (tag == "fit")
          r.fits[{cand, split}] = f;
        else
          r.maxiter = f;
      } else if (tag == "message") {
        r.maxiter_message = rest_after(lines[i], 1);
      }
    }
    return r;
  }();
  return ref;
}

struct Captured {
  std::vector<std::string> messages;
  opt::WarningSink sink() {
    return [this](const std::string& m) { messages.push_back(m); };
  }
  int count(const std::string& prefix) const {
    return static_cast<int>(std::count_if(messages.begin(), messages.end(),
                                          [&](const auto& m) { return m.rfind(prefix, 0) == 0; }));
  }
};

opt::Folds reference_cv(const std::string& cv, std::size_t n) {
  if (cv.size() == 1) return opt::KFold(cv[0] - '0').split(n);
  std::vector<int> ids;
  for (char c : cv) ids.push_back(c - '0');
  return opt::folds_from_test_ids(ids);
}

// Runs the case's search with `grid` and checks it against scikit-learn's cv_results_.
opt::GridSearchResult check_case(const std::string& name, const opt::EstimatorFactory& factory,
                                 const opt::ParameterGrid& grid, double tol, bool parallel) {
  const Case& c = grid_reference().cases.at(name);
  const Data& data = grid_reference().data.at(c.data);
  Captured warnings;
  opt::GridSearchOptions options;
  options.warnings = warnings.sink();
  options.parallel = parallel;
  auto result =
      opt::grid_search_cv(factory, grid, data.X, data.y,
                          reference_cv(c.cv, static_cast<std::size_t>(data.X.rows())), options);
  const opt::CvResults& r = result.cv_results;
  REQUIRE(r.params.size() == c.candidates.size());
  double worst = 0;
  for (std::size_t i = 0; i < c.candidates.size(); ++i) {
    const Candidate& ref = c.candidates[i];
    CAPTURE(i);
    CHECK(opt::to_string(r.params[i]) == ref.params);
    CHECK(r.rank_test_score[i] == ref.rank);
    REQUIRE(r.split_test_scores[i].size() == ref.splits.size());
    const auto near = [&](double a, double b) {
      if (std::isnan(b)) return std::isnan(a);
      worst = std::max(worst, std::abs(a - b));
      return std::abs(a - b) <= tol;
    };
    for (std::size_t s = 0; s < ref.splits.size(); ++s)
      CHECK(near(r.split_test_scores[i][s], ref.splits[s]));
    CHECK(near(r.mean_test_score[i], ref.mean));
    CHECK(near(r.std_test_score[i], ref.std));
  }
  MESSAGE(name << ": largest score difference from scikit-learn " << worst);
  CHECK(result.best_index == c.best_index);
  CHECK(opt::to_string(result.best_params) == c.best_params);
  CHECK(std::abs(result.best_score - c.best_score) <= tol);
  CHECK(warnings.count("FitFailedWarning") == c.fit_failed_warnings);
  return result;
}

opt::EstimatorFactory ridge_factory() {
  return [](const opt::Params& p) { return std::make_unique<opt::Ridge>(p); };
}

opt::EstimatorFactory sgd_factory() {
  return [](const opt::Params& p) { return std::make_unique<opt::SGDRegressor>(p); };
}

opt::ParameterGrid slide_grid() {
  using opt::ParamValue;
  return opt::Grid{
      {"alpha",
       {ParamValue{0.01}, ParamValue{0.1}, ParamValue{std::int64_t{1}},
        ParamValue{std::int64_t{10}}, ParamValue{std::int64_t{100}}}},
      {"penalty",
       {ParamValue{std::string("l2")}, ParamValue{std::string("l1")}, ParamValue{opt::none}}}};
}

}  // namespace

TEST_CASE("KFold: the test folds of scikit-learn's KFold for n = 10 ... 103, k = 2 ... 10") {
  int cases = 0;
  for (const std::string& line : reference_lines("sklearn_kfold.txt")) {
    std::istringstream in(line);
    std::string tag, folds;
    std::size_t n = 0;
    int k = 0;
    in >> tag >> n >> k >> folds;
    if (tag != "kfold") continue;
    CAPTURE(line);
    const opt::KFold kfold(k);
    CHECK(digits(kfold.test_folds(n)) == folds);
    const opt::Folds split = kfold.split(n);
    REQUIRE(split.size() == static_cast<std::size_t>(k));
    for (const opt::Fold& f : split) {
      CHECK(f.train.size() + f.test.size() == n);
      CHECK(std::is_sorted(f.train.begin(), f.train.end()));
    }
    ++cases;
  }
  CHECK(cases == 94 * 9);
}

TEST_CASE("KFold: scikit-learn's errors") {
  CHECK_THROWS_WITH_AS(opt::KFold(1),
                       doctest::Contains("k-fold cross-validation requires at least one "
                                         "train/test split by setting n_splits=2 or more, got "
                                         "n_splits=1."),
                       nabla::Error);
  CHECK_THROWS_WITH_AS((void)opt::KFold(5).split(4),
                       doctest::Contains("Cannot have number of splits n_splits=5 greater than "
                                         "the number of samples: n_samples=4."),
                       nabla::Error);
  CHECK_THROWS_AS(opt::StratifiedKFold(0), nabla::Error);
}

TEST_CASE("StratifiedKFold: scikit-learn's folds, warnings and errors on 2-5 classes") {
  int cases = 0, warned = 0, raised = 0;
  for (const std::string& line : reference_lines("sklearn_kfold.txt")) {
    std::istringstream in(line);
    std::string tag, labels, folds;
    std::size_t n = 0;
    int k = 0;
    in >> tag >> n >> k >> labels >> folds;
    if (tag != "strat") continue;
    CAPTURE(line);
    const std::string message = rest_after(line, 5);
    std::vector<std::int64_t> y;
    for (char c : labels) y.push_back(c - '0');
    REQUIRE(y.size() == n);
    Captured warnings;
    const opt::StratifiedKFold skf(k, warnings.sink());
    if (folds == "!") {
      CHECK_THROWS_WITH_AS((void)skf.test_folds(y), doctest::Contains(message.c_str()),
                           nabla::Error);
      ++raised;
    } else {
      CHECK(digits(skf.test_folds(y)) == folds);
      if (message == "-") {
        CHECK(warnings.messages.empty());
      } else {
        REQUIRE(warnings.messages.size() == 1);
        CHECK(warnings.messages[0] == message);
        ++warned;
      }
      CHECK(skf.split(y).size() == static_cast<std::size_t>(k));
    }
    ++cases;
  }
  CHECK(cases == 94 * 9 + 3);
  CHECK(warned > 0);
  CHECK(raised > 0);
  MESSAGE(cases << " stratified cases, " << warned << " warnings, " << raised << " errors");
}

TEST_CASE("r2_score: 1 - SS_res/SS_tot and scikit-learn 1.2.1's constant-y rule") {
  VectorXd y(4), p(4);
  y << 1, 2, 3, 4;
  p << 1, 2, 3, 5;
  CHECK(opt::r2_score(y, p) == doctest::Approx(1.0 - 1.0 / 5.0).epsilon(1e-15));
  VectorXd c = VectorXd::Constant(3, -2.0);
  CHECK(opt::r2_score(c, c) == 1.0);
  VectorXd c2 = c;
  c2[2] += 1e-8;
  CHECK(opt::r2_score(c, c2) == 0.0);
  CHECK(std::isnan(opt::r2_score(VectorXd::Ones(1), VectorXd::Ones(1))));
  CHECK_THROWS_AS((void)opt::r2_score(y, c), nabla::ShapeError);
}

TEST_CASE("Ridge: the normal equations against a QR solve of the augmented least squares") {
  const Data& data = grid_reference().data.at("a");
  opt::Ridge ridge(opt::Params{{"alpha", 2.5}});
  ridge.fit(data.X, data.y);
  // min ‖Xc w − yc‖² + α‖w‖² is the least-squares problem [Xc; √α I] w ≈ [yc; 0].
  const Eigen::Index n = data.X.rows(), d = data.X.cols();
  const Eigen::RowVectorXd mean = data.X.colwise().mean();
  MatrixXd A(n + d, d);
  A << data.X.rowwise() - mean, std::sqrt(2.5) * MatrixXd::Identity(d, d);
  VectorXd b = VectorXd::Zero(n + d);
  b.head(n) = data.y.array() - data.y.mean();
  const VectorXd w = A.colPivHouseholderQr().solve(b);
  CHECK((ridge.coef() - w).lpNorm<Eigen::Infinity>() <= 1e-13);
  CHECK(ridge.intercept() == doctest::Approx(data.y.mean() - mean.dot(w)).epsilon(1e-13));
  opt::Ridge negative(opt::Params{{"alpha", -1.0}});
  CHECK_THROWS_WITH_AS(negative.fit(data.X, data.y), doctest::Contains("alpha = -1"), nabla::Error);
  CHECK_THROWS_AS(opt::Ridge(opt::Params{{"alpah", 1.0}}), nabla::Error);
}

TEST_CASE("GridSearchCV(Ridge): scikit-learn's scores, ranks and best index") {
  using opt::ParamValue;
  SUBCASE("a duplicate alpha (tied ranks) and a failing alpha = -1 (NaN, ranked last)") {
    const opt::ParameterGrid grid =
        opt::Grid{{"alpha",
                   {ParamValue{0.1}, ParamValue{1.0}, ParamValue{1.0}, ParamValue{10.0},
                    ParamValue{-1.0}, ParamValue{0.001}}}};
    const auto threaded = check_case("alphas", ridge_factory(), grid, 1e-12, true);
    const auto serial = check_case("alphas", ridge_factory(), grid, 1e-12, false);
    for (std::size_t i = 0; i < grid.size(); ++i)
      for (std::size_t s = 0; s < threaded.n_splits; ++s) {
        const double a = threaded.cv_results.split_test_scores[i][s];
        const double b = serial.cv_results.split_test_scores[i][s];
        CHECK((a == b || (std::isnan(a) && std::isnan(b))));
      }
    REQUIRE(threaded.best_estimator != nullptr);
    const Data& data = grid_reference().data.at("a");
    opt::Ridge direct(opt::Params{{"alpha", 0.1}});
    direct.fit(data.X, data.y);
    CHECK(threaded.best_estimator->score(data.X, data.y) == direct.score(data.X, data.y));
  }
  SUBCASE("constant features: every alpha scores the same, all rank 1, the first is best") {
    check_case("ties", ridge_factory(),
               opt::Grid{{"alpha", {ParamValue{3.0}, ParamValue{0.5}, ParamValue{2.0}}}}, 1e-12,
               true);
  }
  SUBCASE("explicit folds") {
    check_case("explicit", ridge_factory(),
               opt::Grid{{"alpha", {ParamValue{0.5}, ParamValue{2.0}, ParamValue{50.0}}}}, 1e-12,
               true);
  }
  SUBCASE("the FitFailedWarning text of scikit-learn, through the sink") {
    const Data& data = grid_reference().data.at("a");
    Captured warnings;
    opt::GridSearchOptions options;
    options.warnings = warnings.sink();
    const auto result = opt::grid_search_cv(
        ridge_factory(), opt::Grid{{"alpha", {ParamValue{1.0}, ParamValue{-1.0}}}}, data.X, data.y,
        5, options);
    REQUIRE(warnings.count("FitFailedWarning") == 1);
    CHECK(warnings.messages[0].find("\n5 fits failed out of a total of 10.\nThe score on these "
                                    "train-test partitions for these parameters will be set to "
                                    "nan.\n") != std::string::npos);
    CHECK(warnings.count("UserWarning: One or more of the test scores are non-finite") == 1);
    CHECK(result.cv_results.rank_test_score == std::vector<int>{1, 2});
  }
  SUBCASE("a factory with state is called once per fit and the refit, never concurrently") {
    const Data& data = grid_reference().data.at("a");
    int calls = 0;  // a plain int: a concurrent call would be a data race (CI runs this under TSan)
    const opt::EstimatorFactory counting = [&calls](const opt::Params& p) {
      ++calls;
      return std::make_unique<opt::Ridge>(p);
    };
    const auto result = opt::grid_search_cv(
        counting, opt::Grid{{"alpha", {ParamValue{0.1}, ParamValue{1.0}, ParamValue{10.0}}}},
        data.X, data.y, 5);
    CHECK(calls == 3 * 5 + 1);
    CHECK(result.cv_results.params.size() == 3);
  }
  SUBCASE("every fit failing is an error, as in scikit-learn") {
    const Data& data = grid_reference().data.at("a");
    Captured warnings;
    opt::GridSearchOptions options;
    options.warnings = warnings.sink();
    CHECK_THROWS_WITH_AS(
        (void)opt::grid_search_cv(ridge_factory(), opt::Grid{{"alpha", {ParamValue{-1.0}}}}, data.X,
                                  data.y, 3, options),
        doctest::Contains("All the 3 fits failed."), nabla::Error);
  }
}

TEST_CASE("cross_val_score: GridSearchCV's split scores for one candidate; any searcher over it") {
  using opt::ParamValue;
  const Case& c = grid_reference().cases.at("alphas");
  const Data& data = grid_reference().data.at(c.data);
  const opt::Folds cv = reference_cv(c.cv, static_cast<std::size_t>(data.X.rows()));
  const opt::ParameterGrid grid =
      opt::Grid{{"alpha",
                 {ParamValue{0.1}, ParamValue{1.0}, ParamValue{1.0}, ParamValue{10.0},
                  ParamValue{-1.0}, ParamValue{0.001}}}};
  Captured warnings;
  opt::GridSearchOptions options;
  options.warnings = warnings.sink();
  const auto searched = opt::grid_search_cv(ridge_factory(), grid, data.X, data.y, cv, options);
  const std::vector<opt::Params> candidates = grid.all();
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    CAPTURE(i);
    Captured w;
    if (opt::as_real(candidates[i], "alpha") < 0) {  // every split fails: an error, as sklearn's
      CHECK_THROWS_WITH_AS(
          (void)opt::cross_val_score(ridge_factory(), candidates[i], data.X, data.y, cv, w.sink()),
          doctest::Contains("cross_val_score: All the"), nabla::Error);
      continue;
    }
    const opt::CrossValScore s =
        opt::cross_val_score(ridge_factory(), candidates[i], data.X, data.y, cv, w.sink());
    REQUIRE(s.scores.size() == c.candidates[i].splits.size());
    for (std::size_t k = 0; k < s.scores.size(); ++k) {
      CHECK(s.scores[k] == searched.cv_results.split_test_scores[i][k]);  // the same fits
      CHECK(std::abs(s.scores[k] - c.candidates[i].splits[k]) <= 1e-12);  // scikit-learn's
    }
    CHECK(s.mean == searched.cv_results.mean_test_score[i]);
    CHECK(s.std == searched.cv_results.std_test_score[i]);
  }
  // KFold(5) by default; a shape mismatch is named.
  const opt::CrossValScore five =
      opt::cross_val_score(ridge_factory(), candidates[0], data.X, data.y);
  CHECK(five.scores.size() == 5);
  CHECK_THROWS_WITH_AS(
      (void)opt::cross_val_score(ridge_factory(), candidates[0], data.X, data.y.head(3)),
      doctest::Contains("cross_val_score: X has"), nabla::ShapeError);
  // Any searcher over the cross-validated score: Bayesian optimisation of log alpha reaches the
  // best score of a 41-point log grid over the same range within 1e-4.
  const opt::Space space{{"alpha", opt::Real{1e-3, 1e3, true}}};
  auto cv_score = [&](const opt::Params& p) {
    return opt::cross_val_score(ridge_factory(), p, data.X, data.y, cv).mean;
  };
  opt::BayesianOptimization bo(space, 1);
  const auto tuned = opt::tune(cv_score, bo, {.max_evaluations = 20, .maximize = true});
  double grid_best = -std::numeric_limits<double>::infinity();
  for (int i = 0; i <= 40; ++i)
    grid_best =
        std::max(grid_best, cv_score(opt::Params{{"alpha", std::pow(10.0, -3.0 + 0.15 * i)}}));
  MESSAGE("BO over cross_val_score: ", tuned.best.score,
          " at alpha = ", opt::as_real(tuned.best.params, "alpha"),
          "; 41-point log grid: ", grid_best);
  CHECK(tuned.best.score >= grid_best - 1e-4);
}

TEST_CASE("SGDRegressor: every fit of the slide's grid search as scikit-learn's") {
  const GridReference& ref = grid_reference();
  const Data& data = ref.data.at("sgd");
  const auto candidates = slide_grid().all();
  const opt::Folds folds = opt::KFold(3).split(static_cast<std::size_t>(data.X.rows()));
  double worst = 0;
  int fits = 0;
  for (std::size_t c = 0; c < candidates.size(); ++c)
    for (int s = -1; s < 3; ++s) {
      const SgdFit& f = ref.fits.at({static_cast<int>(c), s < 0 ? "all" : std::to_string(s)});
      CAPTURE(opt::to_string(candidates[c]));
      CAPTURE(s);
      Captured warnings;
      opt::SGDRegressor sgd(candidates[c]);
      sgd.set_warning_sink(warnings.sink());
      if (s < 0) {
        sgd.fit(data.X, data.y);
      } else {
        const auto& train = folds[static_cast<std::size_t>(s)].train;
        MatrixXd X(static_cast<Eigen::Index>(train.size()), data.X.cols());
        VectorXd y(X.rows());
        for (std::size_t i = 0; i < train.size(); ++i) {
          X.row(static_cast<Eigen::Index>(i)) = data.X.row(static_cast<Eigen::Index>(train[i]));
          y[static_cast<Eigen::Index>(i)] = data.y[static_cast<Eigen::Index>(train[i])];
        }
        sgd.fit(X, y);
      }
      CHECK(sgd.n_iter() == f.n_iter);
      CHECK(sgd.t() == f.t);
      CHECK((warnings.count("ConvergenceWarning") == 1) == f.converge_warning);
      const double scale = std::max(1.0, f.coef.lpNorm<Eigen::Infinity>());
      const double err = std::max((sgd.coef() - f.coef).lpNorm<Eigen::Infinity>(),
                                  std::abs(sgd.intercept() - f.intercept)) /
                         scale;
      worst = std::max(worst, err);
      CHECK(err <= 1e-8);
      ++fits;
    }
  MESSAGE(fits << " fits, largest relative coefficient difference " << worst);
}

TEST_CASE("SGDRegressor: max_iter and scikit-learn's ConvergenceWarning") {
  const GridReference& ref = grid_reference();
  const Data& data = ref.data.at("sgd");
  Captured warnings;
  opt::SGDRegressor sgd(opt::Params{{"max_iter", std::int64_t{3}}});
  sgd.set_warning_sink(warnings.sink());
  sgd.fit(data.X, data.y);
  CHECK(sgd.n_iter() == ref.maxiter.n_iter);
  CHECK(sgd.t() == ref.maxiter.t);
  CHECK((sgd.coef() - ref.maxiter.coef).lpNorm<Eigen::Infinity>() <= 1e-12);
  CHECK(std::abs(sgd.intercept() - ref.maxiter.intercept) <= 1e-12);
  REQUIRE(warnings.messages.size() == 1);
  CHECK(warnings.messages[0] == "ConvergenceWarning: " + ref.maxiter_message);
  CHECK_THROWS_AS(opt::SGDRegressor(opt::Params{{"penalty", std::string("l3")}}), nabla::Error);
  CHECK_THROWS_AS(opt::SGDRegressor(opt::Params{{"shuffle", std::int64_t{1}}}), nabla::Error);
}

TEST_CASE("GridSearchCV(SGDRegressor): the slide's grid as scikit-learn's") {
  const auto result = check_case("sgd", sgd_factory(), slide_grid(), 1e-8, true);
  CHECK(opt::to_string(result.best_params) == "{'alpha': 0.01, 'penalty': None}");
  const std::string table = result.cv_results.to_string();
  CHECK(table.find("{'alpha': 0.01, 'penalty': None}") != std::string::npos);
}
