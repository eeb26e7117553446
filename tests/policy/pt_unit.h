/*
 * tests/policy/pt_unit.h - the cases of test_policy_unit defined outside
 * test_policy_unit.c.
 */
#ifndef FSE_TEST_PT_UNIT_H
#define FSE_TEST_PT_UNIT_H

/* test_policy_scenarios.c */
void pt_test_scenarios(void **state);
void pt_test_policy_vs_oracle(void **state);

#endif /* FSE_TEST_PT_UNIT_H */
