/*
 * tests/util/test_util.c - unit tests of lib/util: error record, bounded
 * buffers, JSON writer escaping and nesting, allocation fault injection,
 * the lending pool.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "fse/error.h"
#include "fse/json.h"
#include "fse/pool.h"
#include "fse/util.h"

static void error_set_returns_code_and_keeps_message(void **state)
{
    (void)state;
    assert_int_equal(fse_error_set(FSE_E_PARSE, "xml", "line %d", 7), FSE_E_PARSE);
    assert_string_equal(fse_error_last()->message, "line 7");
    assert_string_equal(fse_error_last()->module, "xml");
    fse_error_prefix("validate");
    assert_string_equal(fse_error_last()->message, "validate: line 7");
    assert_string_equal(fse_strerror(FSE_E_LIMIT), "limit exceeded");
    assert_string_equal(fse_strerror((fse_err)999), "unknown error");
}

static void buffer_refuses_growth_past_max(void **state)
{
    fse_buf b;

    (void)state;
    fse_buf_init(&b, 10);
    assert_int_equal(fse_buf_append_str(&b, "12345"), FSE_OK);
    assert_int_equal(fse_buf_printf(&b, "%d", 6789), FSE_OK);
    assert_string_equal(b.data, "123456789");
    assert_int_equal(fse_buf_append_str(&b, "ab"), FSE_E_LIMIT);
    assert_string_equal(b.data, "123456789");
    fse_buf_free(&b);
}

static void json_writer_escapes_and_separates(void **state)
{
    fse_buf b;
    fse_json w;

    (void)state;
    fse_buf_init(&b, 1024);
    fse_json_init(&w, &b);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "msg", "a\"b\\c\n\x01 è");
    fse_json_key(&w, "list");
    fse_json_array_begin(&w);
    fse_json_int(&w, 1);
    fse_json_number_text(&w, "1.50");
    fse_json_null(&w);
    fse_json_array_end(&w);
    fse_json_kv_bool(&w, "ok", true);
    fse_json_object_end(&w);
    assert_int_equal(fse_json_status(&w), FSE_OK);
    assert_string_equal(b.data,
                        "{\"msg\":\"a\\\"b\\\\c\\n\\u0001 è\",\"list\":[1,1.50,null],\"ok\":true}");
    fse_buf_free(&b);
}

static void allocation_fault_injection_fails_nth_call(void **state)
{
    void *a;
    void *b;

    (void)state;
    fse_alloc_fail_at(2);
    a = fse_malloc(8);
    b = fse_malloc(8);
    assert_non_null(a);
    assert_null(b);
    fse_free(a);
    a = fse_malloc(8);
    assert_non_null(a);
    fse_free(a);
}

/* A thread that waits for an item until the main thread gives one back. */
static void *borrow_one(void *arg)
{
    fse_pool *p = arg;
    size_t i = fse_pool_acquire(p);

    fse_pool_release(p, i);
    return (void *)(i + 1);
}

static void pool_lends_each_item_once_and_waits_when_empty(void **state)
{
    fse_pool p;
    pthread_t t;
    void *got = NULL;
    size_t a;
    size_t b;

    (void)state;
    assert_int_equal(fse_pool_init(&p, 0), FSE_E_ARG);
    fse_pool_destroy(&p);
    assert_int_equal(fse_pool_init(&p, 2), FSE_OK);
    a = fse_pool_acquire(&p);
    b = fse_pool_acquire(&p);
    assert_true(a < 2 && b < 2 && a != b);
    assert_int_equal(pthread_create(&t, NULL, borrow_one, &p), 0);
    fse_pool_release(&p, b);
    assert_int_equal(pthread_join(t, &got), 0);
    assert_true((size_t)got == b + 1);
    fse_pool_release(&p, a);
    fse_pool_destroy(&p);
    fse_pool_destroy(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(error_set_returns_code_and_keeps_message),
        cmocka_unit_test(buffer_refuses_growth_past_max),
        cmocka_unit_test(json_writer_escapes_and_separates),
        cmocka_unit_test(allocation_fault_injection_fails_nth_call),
        cmocka_unit_test(pool_lends_each_item_once_and_waits_when_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
