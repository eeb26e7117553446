/*
 * lib/cda/cda_hash.c - the validation -> publication link hash and the
 * validation workflowInstanceId (gateway-api §6).
 *
 * Owns which parts of the CDA are neutralised before hashing (content of the
 * first legalAuthenticator, which the signer may still change between
 * validation and publication), the serialisation used for the hash, and the
 * workflowInstanceId layout. Randomness and storage are the caller's: the
 * functions here are pure. Does not own parsing (lib/xml).
 */
#include "cda_int.h"

#include <string.h>

#include <libxml/tree.h>
#include <openssl/evp.h>

#include "fse/util.h"
#include "fse/xml.h"

/* Whether an element's text content has a non-blank character. */
static bool has_text(const xmlNode *n)
{
    xmlChar *text = xmlNodeGetContent(n);
    bool found = false;
    const xmlChar *p;

    for (p = text; p != NULL && *p != '\0' && !found; p++) {
        found = *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r';
    }
    xmlFree(text);
    return found;
}

/* Unlink and free every `signature` element below la. */
static void remove_signatures(xmlNode *la)
{
    xmlNode *sig;

    do {
        xmlNode *n;

        sig = NULL;
        for (n = fse_cda__next_in_order(la, la); n != NULL && sig == NULL;
             n = fse_cda__next_in_order(n, la)) {
            if (strcmp((const char *)n->name, "signature") == 0) {
                sig = n;
            }
        }
        if (sig != NULL) {
            xmlUnlinkNode(sig);
            xmlFreeNode(sig);
        }
    } while (sig != NULL);
}

/* Whether a text node holds only XML white space. */
static bool blank_text(const xmlNode *n)
{
    const xmlChar *p;

    for (p = n->content; p != NULL && *p != '\0'; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            return false;
        }
    }
    return true;
}

/* Drop comments, processing instructions and blank text among n's children:
 * re-indenting or annotating the signer's block must not change the hash. */
static void drop_noise(xmlNode *n)
{
    xmlNode *c = n->children;

    while (c != NULL) {
        xmlNode *next = c->next;

        if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE ||
            (c->type == XML_TEXT_NODE && blank_text(c))) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
        c = next;
    }
}

/*
 * IMPLEMENTATION-OF: gateway-api §6 link hash, as DISP
 * AbstractCTL.cdaWithoutLegalAuthenticator: each attribute of legalAuthenticator
 * and of its descendants gets the placeholder value, and each element without
 * element children and with non-blank text gets the placeholder as text.
 * In addition signature elements, comments, processing instructions and
 * blank text inside it are dropped.
 */
static void blank_legal_authenticator(xmlNode *la)
{
    xmlNode *n;

    remove_signatures(la);
    for (n = la; n != NULL; n = fse_cda__next_in_order(n, la)) {
        xmlAttr *a;

        drop_noise(n);
        for (a = n->properties; a != NULL; a = a->next) {
            xmlNodeSetContent((xmlNode *)a, (const xmlChar *)FSE_CDA_LINK_PLACEHOLDER);
        }
        if (fse_xml_first_element(n) == NULL && has_text(n)) {
            xmlNodeSetContent(n, (const xmlChar *)FSE_CDA_LINK_PLACEHOLDER);
        }
    }
}

fse_err fse_cda_link_hash(char out[FSE_CDA_LINK_HASH_LEN], const xmlDoc *doc)
{
    xmlDocPtr copy = NULL;
    xmlChar *mem = NULL;
    int mem_len = 0;
    xmlNode *la;
    uint8_t digest[32];
    unsigned char b64[FSE_CDA_LINK_HASH_LEN];
    fse_err rc = FSE_OK;

    if (out == NULL || doc == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_CDA_MODULE, "link_hash: NULL argument");
    }
    out[0] = '\0';
    /* libxml2 takes a mutable pointer; the copy is the only thing changed. */
    copy = xmlCopyDoc((xmlDocPtr)doc, 1);
    if (copy == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_CDA_MODULE, "link_hash: copying the document");
    }
    la = fse_cda__find_first(xmlDocGetRootElement(copy), "legalAuthenticator");
    if (la != NULL) {
        blank_legal_authenticator(la);
    }
    xmlDocDumpMemoryEnc(copy, &mem, &mem_len, "UTF-8");
    if (mem == NULL || mem_len < 0) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_CDA_MODULE, "link_hash: serialising the document");
        goto done;
    }
    rc = fse_cda__sha256(digest, mem, (size_t)mem_len);
    if (rc != FSE_OK) {
        goto done;
    }
    if (EVP_EncodeBlock(b64, digest, (int)sizeof(digest)) != FSE_CDA_LINK_HASH_LEN - 1) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_CDA_MODULE, "link_hash: base64 failed");
        goto done;
    }
    memcpy(out, b64, FSE_CDA_LINK_HASH_LEN);
done:
    xmlFree(mem);
    xmlFreeDoc(copy);
    return rc;
}

fse_err fse_cda_workflow_instance_id(char **out, const char *id_root, const char *id_extension,
                                     const uint8_t random[FSE_CDA_WII_RANDOM_BYTES])
{
    char ext_hex[65];
    char rnd_hex[2 * FSE_CDA_WII_RANDOM_BYTES + 1];
    const char *ext = id_extension != NULL ? id_extension : "";
    fse_buf b;
    fse_err rc;

    if (out == NULL || id_root == NULL || id_root[0] == '\0' || random == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_CDA_MODULE, "workflow_instance_id: missing id@root");
    }
    *out = NULL;
    rc = fse_cda_sha256_hex(ext_hex, (const uint8_t *)ext, strlen(ext));
    if (rc != FSE_OK) {
        return rc;
    }
    fse_hex_encode(rnd_hex, random, FSE_CDA_WII_RANDOM_BYTES);
    /* gateway-api §1: a workflowInstanceId is at most 256 characters. */
    fse_buf_init(&b, 256);
    rc = fse_buf_printf(&b, "%s.%s.%s%s", id_root, ext_hex, rnd_hex, FSE_CDA_WII_SUFFIX);
    if (rc == FSE_E_LIMIT) {
        rc = fse_error_set(FSE_E_LIMIT, FSE_CDA_MODULE,
                           "workflowInstanceId longer than 256 characters");
    }
    if (rc == FSE_OK) {
        *out = fse_buf_steal(&b, NULL);
        if (*out == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_CDA_MODULE, "workflowInstanceId");
        }
    }
    fse_buf_free(&b);
    return rc;
}
