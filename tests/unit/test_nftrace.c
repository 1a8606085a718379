#include <criterion/criterion.h>
Test(nftrace, placeholder) { cr_assert(1); }
