/* The per-event loop of the batch path, in C (conformance/batch.py, conformance/bulk.py).
 *
 * Over a run of texts (or the lines of a JSON Lines buffer) it does what the Python batch path does
 * for the events it can prove valid, and stops at the first it cannot, for the Python path to judge:
 *
 *   - each text is decoded by msgspec into the structs derived from the models (the decoder is
 *     called once per text, as list.extend(map(decoder.decode, run)) did);
 *   - the decoded struct's text is then scanned: no object at any depth repeats a member name (a
 *     name spelled with an escape is left to the Python path), and every top-level member is one
 *     the struct holds (a member of the model, or one it learned): so no member was skipped and
 *     none repeated, which is what the Python path proved by counting colons, here without
 *     encoding the struct back;
 *   - a long text whose last string is long base64 (audio) has that string checked in place by
 *     a scan of our own, the rest decoded with the stand-in "" in its place, as
 *     fastpath.excised() does;
 *   - for validate, the output record of each proved line is written from its template.
 *
 * What it hands back is a proof (the same object fastpath.valid_type gives) or nothing: it never
 * says anything but "valid", so it can only be wrong by proving what the models refuse, and
 * tests/test_fast_path_differential.py holds it to the full path on every input.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* --- base64 ------------------------------------------------------------------------------------ */

/* Whether c is in the standard base64 alphabet (RFC 4648 section 4), written without branches so
 * that the loops below vectorize. */
static inline unsigned char
b64_letter(unsigned char c)
{
    return ((unsigned char)(c - 'A') < 26) | ((unsigned char)(c - 'a') < 26) | ((unsigned char)(c - '0') < 10) | (c == '+') |
           (c == '/');
}

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define CB_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define CB_MULTIVERSION
#endif

/* Whether every byte of s[0..n) is a base64 letter: 64 bytes a block, the block's verdict OR-ed
 * together without a branch, so that the compiler makes it a handful of vector compares. */
CB_MULTIVERSION static int
b64_letters(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    for (; i + 64 <= n; i += 64) {
        unsigned char ok = 1;
        for (int j = 0; j < 64; j++)
            ok &= b64_letter(s[i + j]);
        if (!ok)
            return 0;
    }
    unsigned char ok = 1;
    for (; i < n; i++)
        ok &= b64_letter(s[i]);
    return ok;
}

/* Padded standard base64, what the models' check_base64 accepts: a length that is a multiple of
 * four, letters throughout but for one or two '=' at the very end. */
static int
b64_valid(const unsigned char *s, Py_ssize_t n)
{
    if (n % 4)
        return 0;
    if (n == 0)
        return 1;
    if (!b64_letters(s, n - 2))
        return 0;
    unsigned char a = s[n - 2], b = s[n - 1];
    if (b64_letter(a))
        return b64_letter(b) || b == '=';
    return a == '=' && b == '=';
}

/* --- the shape of a derived struct ---------------------------------------------------------------- */

#define MAX_NAMES 256

typedef struct {
    PyObject_HEAD
    PyObject *event_type;     /* the proof of an event with no learned member */
    PyObject *checker;        /* a callable giving the proof of an event with checks left, or NULL */
    PyObject *base64_attr;    /* the attribute of its one base64 member (the in-place route), or NULL */
    PyObject *names;          /* keeps the names' bytes alive */
    Py_ssize_t n_known, n_learned;
    const char *known[MAX_NAMES];
    Py_ssize_t known_len[MAX_NAMES];
    const char *learned[32];
    Py_ssize_t learned_len[32];
    PyObject *learned_proofs; /* tuple: the proof of an event holding learned member i alone */
} ShapeObject;

static void
Shape_dealloc(ShapeObject *self)
{
    Py_XDECREF(self->event_type);
    Py_XDECREF(self->checker);
    Py_XDECREF(self->base64_attr);
    Py_XDECREF(self->names);
    Py_XDECREF(self->learned_proofs);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
take_names(PyObject *names, const char **into, Py_ssize_t *lengths, Py_ssize_t most, Py_ssize_t *count)
{
    Py_ssize_t n = PyTuple_GET_SIZE(names);
    if (n > most) {
        PyErr_SetString(PyExc_ValueError, "too many member names");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *name = PyTuple_GET_ITEM(names, i);
        if (!PyBytes_Check(name)) {
            PyErr_SetString(PyExc_TypeError, "member names must be bytes");
            return -1;
        }
        into[i] = PyBytes_AS_STRING(name);
        lengths[i] = PyBytes_GET_SIZE(name);
    }
    *count = n;
    return 0;
}

/* Shape(event_type, known, learned, learned_proofs, checker, base64_attr): known and learned are
 * tuples of the member names (UTF-8 bytes) the struct holds at the top, those of the model and
 * those it learned; learned_proofs[i] is the proof of an event holding learned member i alone. */
static PyObject *
Shape_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *event_type, *known, *learned, *learned_proofs, *checker, *base64_attr;
    if (!PyArg_ParseTuple(args, "OO!O!O!OO", &event_type, &PyTuple_Type, &known, &PyTuple_Type, &learned, &PyTuple_Type,
                          &learned_proofs, &checker, &base64_attr))
        return NULL;
    if (PyTuple_GET_SIZE(learned_proofs) != PyTuple_GET_SIZE(learned)) {
        PyErr_SetString(PyExc_ValueError, "one proof per learned member");
        return NULL;
    }
    ShapeObject *self = (ShapeObject *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->names = PyTuple_Pack(2, known, learned);
    if (self->names == NULL || take_names(known, self->known, self->known_len, MAX_NAMES, &self->n_known) < 0 ||
        take_names(learned, self->learned, self->learned_len, 32, &self->n_learned) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    Py_INCREF(event_type);
    self->event_type = event_type;
    Py_INCREF(learned_proofs);
    self->learned_proofs = learned_proofs;
    if (checker != Py_None) {
        Py_INCREF(checker);
        self->checker = checker;
    }
    if (base64_attr != Py_None) {
        Py_INCREF(base64_attr);
        self->base64_attr = base64_attr;
    }
    return (PyObject *)self;
}

static PyTypeObject ShapeType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "conformance._cbatch.Shape",
    .tp_basicsize = sizeof(ShapeObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Shape_new,
    .tp_dealloc = (destructor)Shape_dealloc,
    .tp_doc = "What the C loop needs to know of one derived event struct.",
};

/* --- scanning the text of a decoded event --------------------------------------------------------- */

#define MAX_DEPTH 64
#define MAX_KEYS 1024

static inline int
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The first index from i on where s holds a quote or a backslash (n if none): eight bytes at a time,
 * the usual test for a zero byte applied to the word XOR-ed with each; its lowest flagged byte is
 * always a true match (a false flag can only follow a true one), so the first match is exact. */
static inline Py_ssize_t
string_end(const unsigned char *s, Py_ssize_t i, Py_ssize_t n)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const uint64_t quotes = ones * '"', backslashes = ones * '\\';
    while (i + 8 <= n) {
        uint64_t word;
        memcpy(&word, s + i, 8);
        uint64_t a = word ^ quotes, b = word ^ backslashes;
        uint64_t found = ((a - ones) & ~a & highs) | ((b - ones) & ~b & highs);
        if (found)
            return i + (__builtin_ctzll(found) >> 3);
        i += 8;
    }
#endif
    while (i < n && s[i] != '"' && s[i] != '\\')
        i++;
    return i;
}

/* Scan the JSON text s[0..n), which msgspec has just decoded into a struct of `shape` (so it is one
 * JSON object; the scan checks what it relies on all the same). Returns -1 when the text is not
 * proved: a member name repeated in some object, a name spelled with an escape, a top-level member
 * the struct does not hold, nesting or names beyond the scan's limits. Otherwise the number of
 * learned members present at the top (0, 1 or more), the first of them in *first_learned. */
static int
scan(const unsigned char *s, Py_ssize_t n, const ShapeObject *shape, Py_ssize_t *first_learned)
{
    /* The names met so far in each open object: keys[level_start[d] .. nkeys). */
    const unsigned char *key_at[MAX_KEYS];
    Py_ssize_t key_len[MAX_KEYS];
    Py_ssize_t level_start[MAX_DEPTH];
    unsigned char is_object[MAX_DEPTH];
    int depth = 0, expect_key = 0, learned_found = 0;
    Py_ssize_t nkeys = 0, i = 0;

    while (i < n && is_space(s[i]))
        i++;
    if (i >= n || s[i] != '{')
        return -1;
    while (i < n) {
        unsigned char c = s[i];
        switch (c) {
        case '{':
        case '[':
            if (depth >= MAX_DEPTH)
                return -1;
            is_object[depth] = (c == '{');
            level_start[depth] = nkeys;
            depth++;
            expect_key = (c == '{');
            i++;
            break;
        case '}':
        case ']':
            if (depth == 0 || is_object[depth - 1] != (c == '}'))
                return -1;
            depth--;
            nkeys = level_start[depth];
            expect_key = 0;
            i++;
            if (depth == 0) {
                while (i < n && is_space(s[i]))
                    i++;
                return i == n ? learned_found : -1;
            }
            break;
        case ',':
            expect_key = is_object[depth - 1];
            i++;
            break;
        case '"': {
            Py_ssize_t start = ++i;
            int escaped = 0;
            while ((i = string_end(s, i, n)) < n && s[i] == '\\') {
                escaped = 1;
                i += 2; /* the backslash and the character it escapes (a \\u's digits hold no quote) */
            }
            if (i >= n)
                return -1;
            Py_ssize_t length = i - start;
            i++; /* the closing quote */
            if (!expect_key)
                break;
            expect_key = 0;
            if (escaped)
                return -1; /* a name that may be spelled two ways: the Python path compares decoded names */
            const unsigned char *name = s + start;
            for (Py_ssize_t k = level_start[depth - 1]; k < nkeys; k++)
                if (key_len[k] == length && memcmp(key_at[k], name, length) == 0)
                    return -1; /* repeated */
            if (nkeys >= MAX_KEYS)
                return -1;
            key_at[nkeys] = name;
            key_len[nkeys] = length;
            nkeys++;
            if (depth == 1) {
                int found = 0;
                for (Py_ssize_t k = 0; k < shape->n_known; k++)
                    if (shape->known_len[k] == length && (length == 0 || shape->known[k][0] == (char)name[0]) &&
                        memcmp(shape->known[k], name, length) == 0) {
                        found = 1;
                        break;
                    }
                if (!found) {
                    for (Py_ssize_t k = 0; k < shape->n_learned; k++)
                        if (shape->learned_len[k] == length && memcmp(shape->learned[k], name, length) == 0) {
                            if (learned_found++ == 0)
                                *first_learned = k;
                            found = 1;
                            break;
                        }
                }
                if (!found)
                    return -1; /* a member the struct skipped: the Python path reports it */
            }
            break;
        }
        default:
            i++; /* a colon, white space, a number, true, false or null */
        }
    }
    return -1;
}

/* --- proving one text ------------------------------------------------------------------------------ */

typedef struct {
    PyObject *decode;  /* the msgspec decoder's bound decode method */
    PyObject *shapes;  /* dict: struct type -> Shape */
    PyObject *shape_of; /* callable: struct type -> Shape (or None), for a type not in shapes yet */
    Py_ssize_t long_at; /* texts this long or longer take the in-place base64 route */
} Prover;

static ShapeObject *
shape_for(Prover *p, PyObject *kind)
{
    PyObject *found = PyDict_GetItemWithError(p->shapes, kind); /* borrowed */
    if (found == NULL) {
        if (PyErr_Occurred())
            return NULL;
        found = PyObject_CallOneArg(p->shape_of, kind);
        if (found == NULL)
            return NULL;
        int failed = PyDict_SetItem(p->shapes, kind, found);
        Py_DECREF(found); /* the dict holds it */
        if (failed)
            return NULL;
    }
    return Py_IS_TYPE(found, &ShapeType) ? (ShapeObject *)found : NULL;
}

/* The proof of a decoded event whose text passed the scan with `learned` learned members at the
 * top (the first at index `first`); a new reference, or NULL (error cleared or not) for none. */
static PyObject *
proof_for(ShapeObject *shape, PyObject *event, int learned, Py_ssize_t first)
{
    if (shape->checker != NULL) {
        PyObject *proof = PyObject_CallOneArg(shape->checker, event);
        if (proof == Py_None) {
            Py_DECREF(proof);
            return NULL;
        }
        return proof;
    }
    if (learned == 0) {
        Py_INCREF(shape->event_type);
        return shape->event_type;
    }
    if (learned == 1) {
        PyObject *proof = PyTuple_GET_ITEM(shape->learned_proofs, first);
        Py_INCREF(proof);
        return proof;
    }
    return NULL; /* several learned members: their wire order is for the Python path to tell */
}

static const unsigned char *
find_last(const unsigned char *s, Py_ssize_t n, unsigned char c)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    return memrchr(s, c, n); /* vectorized: the search runs back through kilobytes of base64 */
#else
    /* eight bytes at a time while none of them is c */
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL, pattern = ones * c;
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, s + n - 8, 8);
        word ^= pattern;
        if ((word - ones) & ~word & highs)
            break;
        n -= 8;
    }
    while (n > 0) {
        if (s[n - 1] == c)
            return s + n - 1;
        n--;
    }
    return NULL;
#endif
}

/* The in-place route (fastpath.excised, fastpath.holds_stand_in): the text's last string is long
 * valid base64; the rest, with "" in its place, decodes into a struct whose one base64 member, and
 * nothing else it checks, is that empty string, and "" occurs once in it. */
static PyObject *
prove_long(Prover *p, const unsigned char *s, Py_ssize_t n)
{
    const unsigned char *end = find_last(s, n, '"');
    if (end == NULL)
        return NULL;
    const unsigned char *start = find_last(s, end - s, '"');
    if (start == NULL || end - start < p->long_at / 2)
        return NULL;
    if (!b64_valid(start + 1, end - start - 1))
        return NULL;
    Py_ssize_t head = start - s, tail = n - (end + 1 - s);
    PyObject *short_text = PyBytes_FromStringAndSize(NULL, head + 2 + tail);
    if (short_text == NULL)
        return NULL;
    char *into = PyBytes_AS_STRING(short_text);
    memcpy(into, s, head);
    into[head] = '"';
    into[head + 1] = '"';
    memcpy(into + head + 2, end + 1, tail);
    Py_ssize_t length = head + 2 + tail;
    /* "" once: the stand-in, and no other empty string */
    int stand_ins = 0;
    for (Py_ssize_t k = 0; k + 1 < length; k++)
        if (into[k] == '"' && into[k + 1] == '"')
            stand_ins++;
    PyObject *proof = NULL, *event = NULL, *member = NULL;
    if (stand_ins != 1)
        goto done;
    event = PyObject_CallOneArg(p->decode, short_text);
    if (event == NULL)
        goto done;
    ShapeObject *shape = shape_for(p, (PyObject *)Py_TYPE(event));
    if (shape == NULL || shape->base64_attr == NULL)
        goto done;
    member = PyObject_GetAttr(event, shape->base64_attr);
    if (member == NULL || !PyBytes_CheckExact(member) || PyBytes_GET_SIZE(member) != 0)
        goto done;
    Py_ssize_t first = 0;
    int learned = scan((const unsigned char *)into, length, shape, &first);
    if (learned >= 0)
        proof = proof_for(shape, event, learned, first);
done:
    Py_XDECREF(member);
    Py_XDECREF(event);
    Py_DECREF(short_text);
    return proof;
}

/* The proof of one text, or NULL (no error set) when it is not proved. `text` is the text as a
 * bytes object when the caller has one, else NULL (made here only when needed). */
static PyObject *
prove_one(Prover *p, const unsigned char *s, Py_ssize_t n, PyObject *text)
{
    PyObject *proof = NULL;
    if (n >= p->long_at) {
        proof = prove_long(p, s, n);
        if (proof == NULL)
            PyErr_Clear();
        return proof;
    }
    PyObject *made = NULL;
    if (text == NULL) {
        text = made = PyBytes_FromStringAndSize((const char *)s, n);
        if (text == NULL) {
            PyErr_Clear();
            return NULL;
        }
    }
    PyObject *event = PyObject_CallOneArg(p->decode, text);
    Py_XDECREF(made);
    if (event != NULL) {
        ShapeObject *shape = shape_for(p, (PyObject *)Py_TYPE(event));
        if (shape != NULL) {
            Py_ssize_t first = 0;
            int learned = scan(s, n, shape, &first);
            if (learned >= 0)
                proof = proof_for(shape, event, learned, first);
        }
        Py_DECREF(event);
    }
    if (proof == NULL)
        PyErr_Clear();
    return proof;
}

static int
take_prover(Prover *p, PyObject *decode, PyObject *shapes, PyObject *shape_of, Py_ssize_t long_at)
{
    if (!PyDict_Check(shapes)) {
        PyErr_SetString(PyExc_TypeError, "shapes must be a dict");
        return -1;
    }
    p->decode = decode;
    p->shapes = shapes;
    p->shape_of = shape_of;
    p->long_at = long_at;
    return 0;
}

/* prove_texts(decode, shapes, shape_of, long_at, texts, start) -> (proofs, stop)
 *
 * The proofs of texts[start:stop], a list of bytes, where stop is the index of the first text not
 * proved (len(texts) when every one from start on is). */
static PyObject *
prove_texts(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "prove_texts takes 6 arguments");
        return NULL;
    }
    Prover p;
    Py_ssize_t long_at = PyLong_AsSsize_t(args[3]), start = PyLong_AsSsize_t(args[5]);
    if (PyErr_Occurred() || take_prover(&p, args[0], args[1], args[2], long_at) < 0)
        return NULL;
    PyObject *texts = args[4];
    if (!PyList_Check(texts)) {
        PyErr_SetString(PyExc_TypeError, "texts must be a list");
        return NULL;
    }
    PyObject *proofs = PyList_New(0);
    if (proofs == NULL)
        return NULL;
    Py_ssize_t i = start < 0 ? 0 : start;
    for (; i < PyList_GET_SIZE(texts); i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        if (!PyBytes_CheckExact(text))
            break;
        Py_INCREF(text);
        PyObject *proof = prove_one(&p, (const unsigned char *)PyBytes_AS_STRING(text), PyBytes_GET_SIZE(text), text);
        Py_DECREF(text);
        if (proof == NULL)
            break;
        int failed = PyList_Append(proofs, proof);
        Py_DECREF(proof);
        if (failed) {
            Py_DECREF(proofs);
            return NULL;
        }
    }
    return Py_BuildValue("(Nn)", proofs, i);
}

/* --- the lines of a buffer, and their output records --------------------------------------------- */

typedef struct {
    PyObject *bytes;
    Py_ssize_t length, capacity;
} Out;

static int
out_grow(Out *out, Py_ssize_t more)
{
    if (out->length + more <= out->capacity)
        return 0;
    Py_ssize_t capacity = out->capacity ? out->capacity : 4096;
    while (capacity < out->length + more)
        capacity *= 2;
    if (out->bytes == NULL) {
        out->bytes = PyBytes_FromStringAndSize(NULL, capacity);
        if (out->bytes == NULL)
            return -1;
    }
    else if (_PyBytes_Resize(&out->bytes, capacity) < 0)
        return -1;
    out->capacity = capacity;
    return 0;
}

static inline int
out_add(Out *out, const char *data, Py_ssize_t length)
{
    if (out_grow(out, length) < 0)
        return -1;
    memcpy(PyBytes_AS_STRING(out->bytes) + out->length, data, length);
    out->length += length;
    return 0;
}

static PyObject *
out_done(Out *out)
{
    if (out->bytes == NULL)
        return PyBytes_FromStringAndSize(NULL, 0);
    if (_PyBytes_Resize(&out->bytes, out->length) < 0)
        return NULL;
    PyObject *done = out->bytes;
    out->bytes = NULL;
    return done;
}

static inline int
blank(const unsigned char *s, Py_ssize_t n)
{
    /* what bytes.isspace() calls white space, or nothing at all */
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\x0b' || c == '\x0c'))
            return 0;
    }
    return 1;
}

/* render_lines(decode, shapes, shape_of, long_at, data, position, line, prefix, separator,
 *              templates, max_line) -> (records, count, position, line, proof)
 *
 * Proves the lines of `data` (bytes, lines split at "\n") from byte `position`, whose line number
 * is `line`, and writes the output record of each proved one: `prefix`, its number, and
 * templates[proof] (bytes), records joined by `separator`. Blank lines are passed over. It stops
 * at the first line it does not prove (longer than max_line, or not proved: proof None) or whose
 * proof has no template yet (proof given), and returns the records, how many, where that line
 * starts and its number; at the end of data, position is len(data). */
static PyObject *
render_lines(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 11) {
        PyErr_SetString(PyExc_TypeError, "render_lines takes 11 arguments");
        return NULL;
    }
    Prover p;
    Py_ssize_t long_at = PyLong_AsSsize_t(args[3]);
    Py_ssize_t position = PyLong_AsSsize_t(args[5]);
    Py_ssize_t line = PyLong_AsSsize_t(args[6]);
    Py_ssize_t max_line = PyLong_AsSsize_t(args[10]);
    if (PyErr_Occurred() || take_prover(&p, args[0], args[1], args[2], long_at) < 0)
        return NULL;
    PyObject *data = args[4], *prefix = args[7], *separator = args[8], *templates = args[9];
    if (!PyBytes_Check(data) || !PyBytes_Check(prefix) || !PyBytes_Check(separator) || !PyDict_Check(templates)) {
        PyErr_SetString(PyExc_TypeError, "render_lines: data, prefix, separator must be bytes, templates a dict");
        return NULL;
    }
    const unsigned char *s = (const unsigned char *)PyBytes_AS_STRING(data);
    Py_ssize_t n = PyBytes_GET_SIZE(data);
    Out out = {NULL, 0, 0};
    Py_ssize_t count = 0;
    PyObject *stopped = Py_None;
    Py_INCREF(stopped);
    if (position < 0)
        position = 0;
    while (position < n) {
        const unsigned char *here = s + position;
        const unsigned char *newline = memchr(here, '\n', n - position);
        Py_ssize_t length = newline ? newline - here : n - position;
        Py_ssize_t next = newline ? position + length + 1 : n;
        if (length > max_line)
            break;
        if (blank(here, length)) {
            position = next;
            line++;
            continue;
        }
        PyObject *proof = prove_one(&p, here, length, NULL);
        if (proof == NULL)
            break;
        PyObject *template = PyDict_GetItemWithError(templates, proof); /* borrowed */
        if (template == NULL || !PyBytes_Check(template)) {
            if (PyErr_Occurred()) {
                Py_DECREF(proof);
                Py_XDECREF(out.bytes);
                Py_DECREF(stopped);
                return NULL;
            }
            Py_SETREF(stopped, proof);
            break;
        }
        Py_DECREF(proof);
        char number[24];
        int digits = snprintf(number, sizeof number, "%zd", line);
        if ((count && out_add(&out, PyBytes_AS_STRING(separator), PyBytes_GET_SIZE(separator)) < 0) ||
            out_add(&out, PyBytes_AS_STRING(prefix), PyBytes_GET_SIZE(prefix)) < 0 || out_add(&out, number, digits) < 0 ||
            out_add(&out, PyBytes_AS_STRING(template), PyBytes_GET_SIZE(template)) < 0) {
            Py_XDECREF(out.bytes);
            Py_DECREF(stopped);
            return NULL;
        }
        count++;
        position = next;
        line++;
    }
    PyObject *records = out_done(&out);
    if (records == NULL) {
        Py_DECREF(stopped);
        return NULL;
    }
    return Py_BuildValue("(NnnnN)", records, count, position, line, stopped);
}

/* base64_valid(buffer) -> bool: the in-place check on its own (for the tests). */
static PyObject *
base64_valid(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    int valid = b64_valid((const unsigned char *)view.buf, view.len);
    PyBuffer_Release(&view);
    return PyBool_FromLong(valid);
}

static PyMethodDef methods[] = {
    {"prove_texts", (PyCFunction)(void (*)(void))prove_texts, METH_FASTCALL, "The proofs of a run of texts, up to the first not proved."},
    {"render_lines", (PyCFunction)(void (*)(void))render_lines, METH_FASTCALL,
     "The output records of a buffer's proved lines, up to the first line not proved."},
    {"base64_valid", base64_valid, METH_O, "Whether a buffer is padded standard base64, as the models' check_base64 says."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "conformance._cbatch", "The batch path's per-event loop, in C.", -1, methods,
};

PyMODINIT_FUNC
PyInit__cbatch(void)
{
    if (PyType_Ready(&ShapeType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    Py_INCREF(&ShapeType);
    if (PyModule_AddObject(module, "Shape", (PyObject *)&ShapeType) < 0) {
        Py_DECREF(&ShapeType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
