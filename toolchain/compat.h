// Force-included into every musl C++ translation unit (see DESIGN.md section 10).
// libstdc++'s headers were configured for glibc; these two names are all they
// expect from glibc that musl spells differently.
#pragma once
#include <locale.h>
#define __GLIBC_PREREQ(maj, min) 0
typedef locale_t __locale_t;
