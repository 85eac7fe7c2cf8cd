/* unit.h - what every unit-test program shares. */
#ifndef CR_UNIT_H
#define CR_UNIT_H

#include <check.h>

/* Runs suite s with check's normal output; returns the process exit status. */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif
