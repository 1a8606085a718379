#include <criterion/criterion.h>
Test(dissect, placeholder) { cr_assert(1); }
