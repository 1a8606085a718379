#include <criterion/criterion.h>
Test(render, placeholder) { cr_assert(1); }
