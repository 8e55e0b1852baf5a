// libedit's el_set/el_get/history are C variadics, which Swift cannot call:
// each use is wrapped here in a small static inline function. Swift 6 cannot
// reference C globals such as stdin either, hence the stream accessors.
#ifndef SLUICE_CLIBEDIT_SHIM_H
#define SLUICE_CLIBEDIT_SHIM_H

#include <stdio.h>
#include <histedit.h>
#include <sys/select.h>

typedef char *(*sluice_el_prompt_fn)(EditLine *);
typedef unsigned char (*sluice_el_command_fn)(EditLine *, int);

static inline FILE *sluice_stdin(void) { return stdin; }
static inline FILE *sluice_stdout(void) { return stdout; }
static inline FILE *sluice_stderr(void) { return stderr; }

// MARK: editor settings

static inline int sluice_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}
/// `ignore` brackets non-printing sequences (colour) in the prompt.
static inline int sluice_el_set_prompt(EditLine *el, sluice_el_prompt_fn fn, char ignore) {
    return el_set(el, EL_PROMPT_ESC, fn, ignore);
}
static inline int sluice_el_set_client_data(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}
static inline void *sluice_el_get_client_data(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline int sluice_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}
static inline int sluice_el_add_function(EditLine *el, const char *name, const char *help, sluice_el_command_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int sluice_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}
/// Replaces libedit's reader of one character (it returns 1, 0 at end of input, -1 on error).
/// The reader stores a wide character, so it is set through the wide interface.
static inline int sluice_el_set_read_character(EditLine *el, el_rfunc_t fn) {
    return el_wset(el, EL_GETCFN, fn);
}

// MARK: terminal

/// Waits until `fd` is readable with the signal mask `mask` in place only while waiting
/// (pselect, whose FD_SET macros Swift cannot call): >0 ready, -1 with errno (EINTR: a signal).
static inline int sluice_wait_readable(int fd, const sigset_t *mask) {
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fd, &readable);
    return pselect(fd + 1, &readable, NULL, NULL, NULL, mask);
}

// MARK: history

static inline int sluice_history_set_size(History *h, int size) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, size);
}
/// Consecutive duplicates are folded into one entry.
static inline int sluice_history_set_unique(History *h, int on) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, on);
}
static inline int sluice_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}
/// The number of entries read, or -1.
static inline int sluice_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}
/// The number of entries written, or -1.
static inline int sluice_history_save(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_SAVE, path);
}

#endif
