/*
 * lib/consult/consult_journal.c - group commit of what consultation
 * records: audit records and patient notifications.
 *
 * Every decision is audited before the answer leaves (fail closed), and
 * every audit record must be durable. One fsync'd write transaction per
 * request would serialise all readers on the store's write lock; instead a
 * journal thread with its own store handle takes every item queued since
 * its last commit and appends them in one transaction, then wakes their
 * requests. A request waits for about one commit, whatever the load.
 *
 * Owns the queue, the thread, and the outcome of each item. Items live on
 * the stack of the waiting request: everything they point to stays valid
 * until the journal marks them done.
 */
#include "consult_int.h"

#include <string.h>

/* Append one item inside the open transaction. */
static fse_err write_item(fse_store *s, cs_journal_item *it)
{
    fse_err rc = FSE_OK;

    if (it->audit != NULL) {
        rc = fse_audit_append(s, it->audit, NULL);
    }
    if (rc == FSE_OK && it->notification != NULL) {
        /* A lost notification must not undo the audit record. */
        if (fse_store_notification_add(s, it->patient, it->notification, NULL) != FSE_OK) {
            it->notification_failed = true;
        }
    }
    return rc;
}

/* Write a batch in one transaction; every item gets its outcome. */
static void write_batch(cs_journal *j, cs_journal_item *batch)
{
    cs_journal_item *it;
    fse_err rc = fse_store_tx_begin(j->store);

    for (it = batch; it != NULL; it = it->next) {
        it->rc = rc == FSE_OK ? write_item(j->store, it) : rc;
    }
    if (rc == FSE_OK) {
        rc = fse_store_tx_commit(j->store);
    }
    for (it = batch; rc != FSE_OK && it != NULL; it = it->next) {
        it->rc = rc;
    }
}

static void *journal_main(void *arg)
{
    cs_journal *j = arg;

    pthread_mutex_lock(&j->lock);
    for (;;) {
        cs_journal_item *batch;
        cs_journal_item *it;

        while (j->head == NULL && !j->stop) {
            pthread_cond_wait(&j->work, &j->lock);
        }
        if (j->head == NULL && j->stop) {
            break;
        }
        batch = j->head;
        j->head = NULL;
        j->tail = NULL;
        pthread_mutex_unlock(&j->lock);
        write_batch(j, batch);
        pthread_mutex_lock(&j->lock);
        for (it = batch; it != NULL; it = it->next) {
            it->done = true;
        }
        j->batches++;
        pthread_cond_broadcast(&j->finished);
    }
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

fse_err fse_consult__journal_write(cs_journal *j, cs_journal_item *it)
{
    it->next = NULL;
    it->done = false;
    it->rc = FSE_OK;
    pthread_mutex_lock(&j->lock);
    if (j->tail != NULL) {
        j->tail->next = it;
    } else {
        j->head = it;
    }
    j->tail = it;
    pthread_cond_signal(&j->work);
    while (!it->done) {
        pthread_cond_wait(&j->finished, &j->lock);
    }
    pthread_mutex_unlock(&j->lock);
    if (it->rc != FSE_OK) {
        return fse_error_set(it->rc, FSE_CONSULT_MODULE, "journal: the record was not written");
    }
    return FSE_OK;
}

fse_err fse_consult__journal_start(cs_journal *j, const fse_store_opts *so)
{
    memset(j, 0, sizeof(*j));
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->work, NULL);
    pthread_cond_init(&j->finished, NULL);
    j->initialised = true;
    if (fse_store_open(&j->store, so) != FSE_OK) {
        return fse_error_prefix(FSE_CONSULT_MODULE);
    }
    if (pthread_create(&j->thread, NULL, journal_main, j) != 0) {
        return fse_error_set(FSE_E_INTERNAL, FSE_CONSULT_MODULE, "journal thread");
    }
    j->running = true;
    return FSE_OK;
}

void fse_consult__journal_stop(cs_journal *j)
{
    if (!j->initialised) {
        return;
    }
    if (j->running) {
        pthread_mutex_lock(&j->lock);
        j->stop = true;
        pthread_cond_signal(&j->work);
        pthread_mutex_unlock(&j->lock);
        pthread_join(j->thread, NULL);
        j->running = false;
    }
    fse_store_free(j->store);
    j->store = NULL;
    pthread_cond_destroy(&j->finished);
    pthread_cond_destroy(&j->work);
    pthread_mutex_destroy(&j->lock);
    j->initialised = false;
}
