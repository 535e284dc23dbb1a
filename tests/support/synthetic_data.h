// Deterministic synthetic data for tests and benchmarks.
//
// The data sets have the shape of templates/<kind>/example.json and pass that kind's schema.json.
// Everything is derived from the seed with a private splitmix64 generator (no <random>
// distributions, whose output differs between standard libraries), so a seed gives the same bytes
// on every platform.
#ifndef BEIAN_TESTS_SUPPORT_SYNTHETIC_DATA_H_
#define BEIAN_TESTS_SUPPORT_SYNTHETIC_DATA_H_

#include <cstdint>

#include "beian/core/json.h"

namespace beian::testing {

// A complete qualification-verification data set (same shape as
// templates/qualification-verification/example.json) with `staff` persons and `projects` projects
// (negative counts count as 0), deterministic for a given seed.
//
// Names come from common surname and given-name lists (a few given-name characters lie outside
// GB 2312, such as 喆 and 堃, so font fallback is exercised); every ID number has a real birth date,
// a gender digit that matches `gender` and a correct GB 11643 check character; the credit code has
// a correct GB 11714 organization-code check and GB 32100 check character. staff[0] is the legal
// representative (also `enterprise.legal_representative`); with 3 or more staff, staff[2] is a
// 项目负责人 and project managers are copies of the staff's 项目负责人. Contracts of type 事实服务
// have no `term`. staff[i] depends only on (seed, i), and projects[j] only on (seed, j) and the
// staff count, so with the same seed a smaller staff list is a prefix of a larger one.
core::Json MakeQualificationData(int staff, int projects, uint64_t seed);

}  // namespace beian::testing

#endif  // BEIAN_TESTS_SUPPORT_SYNTHETIC_DATA_H_
