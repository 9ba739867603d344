// <nabla/version.hpp> against the version meson.build declares (NABLA_MESON_VERSION, passed by
// tests/meson.build from meson.project_version()).
#include <doctest/doctest.h>

#include <nabla/version.hpp>
#include <string>
#include <string_view>

#ifndef NABLA_MESON_VERSION
#error "tests/meson.build passes -DNABLA_MESON_VERSION=\"<meson.project_version()>\""
#endif

TEST_CASE("the version macros and nabla::version() match meson.project_version()") {
  constexpr std::string_view meson_version = NABLA_MESON_VERSION;
  CHECK(std::string_view(NABLA_VERSION_STRING) == meson_version);

  constexpr nabla::Version v = nabla::version();
  static_assert(v.major == NABLA_VERSION_MAJOR);
  static_assert(v.minor == NABLA_VERSION_MINOR);
  static_assert(v.patch == NABLA_VERSION_PATCH);
  CHECK(v.string == meson_version);
  const std::string joined =
      std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
  CHECK(joined == meson_version);
}
