// The formula language's lexer and recursive-descent parser (formula.hpp for the grammar). Each
// rule appends its node after its operands' nodes; nesting is counted, so a deep text is an
// error at a column instead of a stack overflow.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nabla/autodiff/core/nearest_name.hpp>
#include <nabla/autodiff/formula/program.hpp>

namespace nabla {

namespace {

// Characters (UTF-8 code points) before byte `pos`, plus one.
std::size_t column_of(std::string_view text, std::size_t pos) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U) ++column;
  return column;
}

// The text on one line, control characters as spaces, with a caret under `column`.
std::string pointer(std::string_view text, std::size_t column) {
  std::string line;
  for (const char ch : text) line += static_cast<unsigned char>(ch) < 0x20 ? ' ' : ch;
  return fmt::format("  {}\n  {}^", line, std::string(column - 1, ' '));
}

[[noreturn]] void fail(std::string_view text, std::size_t pos, const std::string& what) {
  const std::size_t column = column_of(text, pos);
  throw FormulaError(
      fmt::format("nabla::Formula: {} at column {}\n{}", what, column, pointer(text, column)),
      column);
}

// "; did you mean 'sin'?" for the nearest candidate within a small distance, else "".
std::string suggestion(std::string_view name, const std::vector<std::string_view>& candidates) {
  const std::string_view best = detail::nearest_name(name, candidates, name.size() <= 3 ? 1 : 2);
  if (best.empty()) return "";
  return fmt::format("; did you mean '{}'?", best);
}

enum class Token : std::uint8_t {
  Number,
  Name,
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
  LParen,
  RParen,
  Comma,
  Semicolon,
  End
};

struct Lexeme {
  Token token = Token::End;
  std::size_t pos = 0, size = 0;
};

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::vector<Lexeme> lex(std::string_view text) {
  std::vector<Lexeme> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    const std::size_t start = i;
    auto single = [&](Token t) {
      out.push_back({t, start, 1});
      ++i;
    };
    if (is_digit(c) || (c == '.' && i + 1 < text.size() && is_digit(text[i + 1]))) {
      while (i < text.size() && is_digit(text[i])) ++i;
      if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && is_digit(text[i])) ++i;
      }
      // An exponent only when digits follow: 2e is 2 then the name e (implicit multiplication).
      if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
        if (j < text.size() && is_digit(text[j])) {
          i = j;
          while (i < text.size() && is_digit(text[i])) ++i;
        }
      }
      out.push_back({Token::Number, start, i - start});
    } else if (is_name_start(c)) {
      while (i < text.size() && (is_name_start(text[i]) || is_digit(text[i]))) ++i;
      out.push_back({Token::Name, start, i - start});
    } else if (c == '*' && i + 1 < text.size() && text[i + 1] == '*') {
      out.push_back({Token::Caret, start, 2});
      i += 2;
    } else if (c == '+') {
      single(Token::Plus);
    } else if (c == '-') {
      single(Token::Minus);
    } else if (c == '*') {
      single(Token::Star);
    } else if (c == '/') {
      single(Token::Slash);
    } else if (c == '^') {
      single(Token::Caret);
    } else if (c == '(') {
      single(Token::LParen);
    } else if (c == ')') {
      single(Token::RParen);
    } else if (c == ',') {
      single(Token::Comma);
    } else if (c == ';') {
      single(Token::Semicolon);
    } else {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x80) {
        fail(text, start,
             u < 0x20 || u == 0x7F ? fmt::format("unexpected control character 0x{:02X}", u)
                                   : fmt::format("unexpected character '{}'", c));
      }
      // A UTF-8 sequence: name it, and hint at the ASCII spelling of the usual ones.
      std::size_t n = 1;
      while (start + n < text.size() &&
             (static_cast<unsigned char>(text[start + n]) & 0xC0U) == 0x80U)
        ++n;
      const std::string_view ch = text.substr(start, n);
      std::string hint;
      if (ch == "²" || ch == "³") hint = ": write x^2, x^3";
      if (ch == "×" || ch == "·" || ch == "⋅") hint = ": write * for a product";
      if (ch == "−" || ch == "–") hint = ": write - (ASCII hyphen) for minus";
      if (ch == "π") hint = ": write pi";
      if (ch == "÷") hint = ": write / for a quotient";
      fail(text, start, fmt::format("unexpected character '{}'{}", ch, hint));
    }
  }
  out.push_back({Token::End, text.size(), 0});
  return out;
}

using detail::FormulaNode;
using Kind = FormulaNode::Kind;

class Parser {
 public:
  Parser(std::string_view text, const FormulaOptions& options)
      : text_(text), options_(options), tokens_(lex(text)) {
    for (const auto& f : detail::formula_functions()) function_names_.push_back(f.name);
    const auto& v = options_.variables;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i].empty() || !is_name_start(v[i][0]) ||
          !std::all_of(v[i].begin(), v[i].end(),
                       [](char c) { return is_name_start(c) || is_digit(c); }))
        throw Error(fmt::format(
            "nabla::Formula: the variable name '{}' is not a name (a letter or _, then letters, "
            "digits or _)",
            v[i]));
      if (std::find(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v[i]) !=
          v.begin() + static_cast<std::ptrdiff_t>(i))
        throw Error(fmt::format("nabla::Formula: the variable '{}' is listed twice", v[i]));
    }
  }

  detail::FormulaProgram run() {
    if (peek().token == Token::End) fail(text_, 0, "the formula is empty");
    program_.outputs.push_back(expression());
    while (peek().token == Token::Semicolon) {
      const Lexeme semicolon = next();
      if (peek().token == Token::End)
        fail(text_, semicolon.pos, "expected another output after ';'");
      program_.outputs.push_back(expression());
    }
    if (peek().token != Token::End) unexpected("an operator, ';' or the end");
    program_.text = std::string(text_);
    resolve_variables();
    return std::move(program_);
  }

 private:
  // One level of nesting for as long as it lives.
  class Nest {
   public:
    explicit Nest(Parser& p) : p_(p) {
      if (++p_.depth_ > p_.options_.max_depth)
        fail(p_.text_, p_.peek().pos,
             fmt::format("nesting deeper than {} levels (FormulaOptions::max_depth)",
                         p_.options_.max_depth));
    }
    ~Nest() { --p_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    Parser& p_;
  };

  [[nodiscard]] const Lexeme& peek() const { return tokens_[at_]; }
  const Lexeme& next() { return tokens_[at_++]; }
  [[nodiscard]] std::string_view spelling(const Lexeme& l) const {
    return text_.substr(l.pos, l.size);
  }

  std::uint32_t add(FormulaNode node) {
    program_.nodes.push_back(node);
    return static_cast<std::uint32_t>(program_.nodes.size() - 1);
  }

  [[noreturn]] void unexpected(std::string_view expected) const {
    const Lexeme& l = peek();
    if (l.token == Token::End)
      fail(text_, l.pos, fmt::format("expected {}, not the end", expected));
    fail(text_, l.pos, fmt::format("expected {}, not '{}'", expected, spelling(l)));
  }

  // expression := term (('+' | '-') term)*
  std::uint32_t expression() {
    std::uint32_t left = term();
    while (peek().token == Token::Plus || peek().token == Token::Minus) {
      const Kind k = next().token == Token::Plus ? Kind::Add : Kind::Sub;
      const std::uint32_t right = term();
      left = add({k, Op::Input, left, right});
    }
    return left;
  }

  // term := signed (('*' | '/') signed)*; an operand right after an operand is an error.
  std::uint32_t term() {
    std::uint32_t left = signed_factor();
    for (;;) {
      const Token t = peek().token;
      if (t == Token::Star || t == Token::Slash) {
        next();
        const std::uint32_t right = signed_factor();
        left = add({t == Token::Star ? Kind::Mul : Kind::Div, Op::Input, left, right});
      } else if (t == Token::Number || t == Token::Name || t == Token::LParen) {
        const Lexeme& l = peek();
        const std::string_view before = text_.substr(0, l.pos);
        const std::size_t end = before.find_last_not_of(" \t\r\n");
        const std::string_view prev =
            end == std::string_view::npos ? std::string_view{} : before.substr(end, 1);
        fail(text_, l.pos,
             fmt::format("implicit multiplication is not supported: write '*' between '{}' and "
                         "'{}' (2*x, not 2x)",
                         prev, t == Token::LParen ? "(" : spelling(l)));
      } else {
        return left;
      }
    }
  }

  // signed := ('-' | '+') signed | power. Unary minus binds looser than ^: −x^2 = −(x²).
  std::uint32_t signed_factor() {
    const Nest nest(*this);
    if (peek().token == Token::Minus) {
      next();
      const std::uint32_t operand = signed_factor();
      return add({Kind::Neg, Op::Input, operand, 0});
    }
    if (peek().token == Token::Plus) {
      next();
      return signed_factor();
    }
    return power();
  }

  // power := primary ('^' signed)?: right-associative, and 2^-x is 2^(−x).
  std::uint32_t power() {
    const std::uint32_t base = primary();
    if (peek().token != Token::Caret) return base;
    next();
    const std::uint32_t exponent = signed_factor();
    return add({Kind::Pow, Op::Input, base, exponent});
  }

  std::uint32_t primary() {
    const Lexeme l = peek();
    switch (l.token) {
      case Token::Number: {
        next();
        return add({Kind::Number, Op::Input, 0, 0, number(l)});
      }
      case Token::LParen: {
        next();
        const std::uint32_t inner = expression();
        if (peek().token != Token::RParen) {
          if (peek().token == Token::End)
            fail(text_, l.pos, "this '(' is never closed: a ')' is missing");
          unexpected("')'");
        }
        next();
        return inner;
      }
      case Token::Name: return name();
      case Token::End: {
        const std::size_t back = at_ == 0 ? 0 : tokens_[at_ - 1].pos;
        fail(text_, at_ == 0 ? l.pos : back,
             at_ == 0 ? std::string("expected an operand")
                      : fmt::format("expected an operand after '{}', not the end",
                                    spelling(tokens_[at_ - 1])));
      }
      default: unexpected("a number, a name or '('");
    }
  }

  double number(const Lexeme& l) const {
    const std::string_view s = spelling(l);
    double v = 0.0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range || !std::isfinite(v))
      fail(text_, l.pos, fmt::format("the number {} is out of range of a double", s));
    if (ec != std::errc() || end != s.data() + s.size())
      fail(text_, l.pos, fmt::format("'{}' is not a number", s));
    return v;
  }

  [[nodiscard]] bool declared(std::string_view name) const {
    return std::find(options_.variables.begin(), options_.variables.end(), name) !=
           options_.variables.end();
  }

  std::uint32_t name() {
    const Lexeme l = next();
    const std::string_view id = spelling(l);
    const auto& functions = detail::formula_functions();
    const auto fn = std::find_if(functions.begin(), functions.end(),
                                 [&](const detail::FormulaFunction& f) { return f.name == id; });
    if (peek().token == Token::LParen) {
      if (fn == functions.end()) {
        if (peek().pos > l.pos + l.size)  // "x1 (x2+1)": a product without its '*'
          fail(text_, peek().pos,
               fmt::format("implicit multiplication is not supported: write '*' between '{}' "
                           "and '(' (2*x, not 2x)",
                           id));
        if (id == "pi" || id == "e" || declared(id))
          fail(text_, l.pos,
               fmt::format("'{}' is not a function; write '*' for a product ({}*(…))", id, id));
        const std::string near = suggestion(id, function_names_);
        fail(text_, l.pos,
             fmt::format("unknown function '{}'{}", id,
                         near.empty() ? fmt::format(" (a product is written {}*(…))", id) : near));
      }
      return call(*fn, l);
    }
    if (declared(id) ||
        (options_.variables.empty() && fn == functions.end() && id != "pi" && id != "e"))
      return variable(id, l);
    if (id == "pi") return add({Kind::Number, Op::Input, 0, 0, std::numbers::pi});
    if (id == "e") return add({Kind::Number, Op::Input, 0, 0, std::numbers::e});
    if (fn != functions.end())
      fail(text_, l.pos,
           fmt::format("'{}' is a function: write {}(…){}", id, id,
                       fn->arity == 2 ? " with two arguments" : ""));
    std::vector<std::string_view> known(options_.variables.begin(), options_.variables.end());
    known.insert(known.end(), function_names_.begin(), function_names_.end());
    known.emplace_back("pi");
    known.emplace_back("e");
    const std::string list = fmt::format("{}", fmt::join(options_.variables, ", "));
    fail(text_, l.pos,
         fmt::format("unknown variable '{}' (the variables are {}){}", id, list,
                     suggestion(id, known)));
  }

  std::uint32_t variable(std::string_view id, const Lexeme& l) {
    auto it = std::find(seen_.begin(), seen_.end(), id);
    if (it == seen_.end()) {
      seen_.emplace_back(id);
      seen_at_.push_back(l.pos);
      it = seen_.end() - 1;
    }
    return add({Kind::Variable, Op::Input, static_cast<std::uint32_t>(it - seen_.begin()), 0});
  }

  std::uint32_t call(const detail::FormulaFunction& f, const Lexeme& l) {
    const Nest nest(*this);
    next();  // (
    std::vector<std::uint32_t> args;
    if (peek().token != Token::RParen) {
      args.push_back(expression());
      while (peek().token == Token::Comma) {
        next();
        args.push_back(expression());
      }
    }
    if (peek().token != Token::RParen) {
      if (peek().token == Token::End)
        fail(text_, l.pos, fmt::format("{}( is never closed: a ')' is missing", f.name));
      unexpected("',' or ')'");
    }
    next();
    if (static_cast<int>(args.size()) != f.arity)
      fail(text_, l.pos,
           fmt::format("{} takes {} argument{}, not {}", f.name, f.arity, f.arity == 1 ? "" : "s",
                       args.size()));
    return f.arity == 1 ? add({Kind::Call1, f.op, args[0], 0})
                        : add({Kind::Call2, f.op, args[0], args[1]});
  }

  // The final variable list: the declared one, x1 … xn, or first appearance; remaps the nodes.
  void resolve_variables() {
    std::vector<std::string>& vars = program_.variables;
    std::vector<std::uint32_t> index(seen_.size());
    if (!options_.variables.empty()) {
      vars = options_.variables;
      for (std::size_t i = 0; i < seen_.size(); ++i)
        index[i] = static_cast<std::uint32_t>(std::find(vars.begin(), vars.end(), seen_[i]) -
                                              vars.begin());
    } else {
      constexpr std::size_t largest = 10000;
      bool natural = !seen_.empty();
      std::vector<std::size_t> k(seen_.size());
      for (std::size_t i = 0; i < seen_.size() && natural; ++i) {
        const std::string& s = seen_[i];
        natural = s.size() >= 2 && s[0] == 'x' && std::all_of(s.begin() + 1, s.end(), is_digit) &&
                  (s[1] != '0' || s.size() == 2);  // x0, x1, x10, but not x01
      }
      for (std::size_t i = 0; i < seen_.size() && natural; ++i) {
        const std::string& s = seen_[i];
        if (s.size() > 6 || std::stoul(s.substr(1)) > largest)
          fail(text_, seen_at_[i],
               fmt::format("{} is past x{}, the largest index of x1 … xn; name the variables "
                           "(FormulaOptions::variables, --vars)",
                           s, largest));
        k[i] = std::stoul(s.substr(1));
      }
      if (natural) {
        const std::size_t first = *std::min_element(k.begin(), k.end()) == 0 ? 0 : 1;
        const std::size_t last = *std::max_element(k.begin(), k.end());
        for (std::size_t j = first; j <= last; ++j) vars.push_back(fmt::format("x{}", j));
        for (std::size_t i = 0; i < seen_.size(); ++i)
          index[i] = static_cast<std::uint32_t>(k[i] - first);
      } else {
        vars = seen_;
        for (std::size_t i = 0; i < seen_.size(); ++i) index[i] = static_cast<std::uint32_t>(i);
      }
    }
    for (FormulaNode& node : program_.nodes)
      if (node.kind == Kind::Variable) node.a = index[node.a];
  }

  std::string_view text_;
  const FormulaOptions& options_;
  std::vector<Lexeme> tokens_;
  std::size_t at_ = 0;
  std::size_t depth_ = 0;
  std::vector<std::string_view> function_names_;
  std::vector<std::string> seen_;     // variable names in order of first appearance
  std::vector<std::size_t> seen_at_;  // and where
  detail::FormulaProgram program_;
};

}  // namespace

namespace detail {

FormulaProgram parse_formula(std::string_view text, const FormulaOptions& options) {
  return Parser(text, options).run();
}

}  // namespace detail

}  // namespace nabla
