// The version of beian itself.
#ifndef BEIAN_CORE_VERSION_H_
#define BEIAN_CORE_VERSION_H_

namespace beian::core {

// "0.1": the project's version (CMakeLists.txt), as packages carry it.
const char* Version();

}  // namespace beian::core

#endif  // BEIAN_CORE_VERSION_H_
