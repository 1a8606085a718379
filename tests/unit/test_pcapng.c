#include <criterion/criterion.h>
Test(pcapng, placeholder) { cr_assert(1); }
