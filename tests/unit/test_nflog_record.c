#include <criterion/criterion.h>
Test(nflog_record, placeholder) { cr_assert(1); }
