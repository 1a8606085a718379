#include <criterion/criterion.h>
Test(rulespec, placeholder) { cr_assert(1); }
