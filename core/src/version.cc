#include "beian/core/version.h"

namespace beian::core {

const char* Version() { return BEIAN_VERSION; }

}  // namespace beian::core
