#include <criterion/criterion.h>
Test(ruleset, placeholder) { cr_assert(1); }
