#ifndef BEIAN_DOMAIN_DATE_H_
#define BEIAN_DOMAIN_DATE_H_

#include "beian/core/civil_date.h"

namespace beian::domain {

// The civil date lives in core (archive and render need it too). This name
// stays for the service and api interfaces that still spell it domain::Date;
// new code writes core::Date.
using Date = core::Date;

}  // namespace beian::domain

#endif  // BEIAN_DOMAIN_DATE_H_
