#ifndef CNCURSESW_H
#define CNCURSESW_H

/*
 * ncursesw for Swift: typed wrappers for what Swift cannot import (function-like macros, C globals).
 *
 * NCURSES_WIDECHAR must be defined before <ncursesw/curses.h>, or get_wch, cchar_t and the *wstr
 * functions do not exist. Everything here is `static inline`: Swift emits the bodies itself.
 *
 * Pitfalls (see shared/SPIKE.md §1):
 *  - a file-scope `static` without an initializer is not emitted by the Clang importer; state lives
 *    in function-local statics instead;
 *  - each Swift source file that calls these functions gets its own copy of them (and of their
 *    function-local statics), so the stateful ones (cnc_winchPipe*, cnc_crashRestore*) must all be called from ONE
 *    Swift file (TerminalBackend/Terminal+Events.swift);
 *  - after editing this header, touch a Swift file of TerminalBackend, or SwiftPM may not rebuild it.
 */

#define NCURSES_WIDECHAR 1
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* glibc declares these only under __USE_XOPEN; Swift's Glibc module lacks them. */
extern int wcwidth(wchar_t c);
extern int wcswidth(const wchar_t *s, size_t n);

/* ---- attributes (NCURSES_BITS macros) ---- */
static inline attr_t cnc_attrBold(void) { return A_BOLD; }
static inline attr_t cnc_attrReverse(void) { return A_REVERSE; }
static inline attr_t cnc_attrDim(void) { return A_DIM; }
static inline attr_t cnc_attrUnderline(void) { return A_UNDERLINE; }

/* ---- keys ---- */
static inline int cnc_keyF(int n) { return KEY_F(n); }

/* ---- mouse masks (NCURSES_MOUSE_MASK macros) ---- */
static inline mmask_t cnc_button1Pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cnc_button1Released(void) { return BUTTON1_RELEASED; }
static inline mmask_t cnc_button1Clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t cnc_button4Pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t cnc_button5Pressed(void) { return BUTTON5_PRESSED; }
static inline mmask_t cnc_allMouseEvents(void) { return ALL_MOUSE_EVENTS; }

/* ---- globals and macros over windows ---- */
static inline void cnc_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
static inline WINDOW *cnc_stdscr(void) { return stdscr; }
static inline int cnc_colors(void) { return COLORS; }
static inline int cnc_colorPairs(void) { return COLOR_PAIRS; }

/* Like initscr() on stdin/stdout, but returns NULL instead of exiting the process on failure. */
static inline SCREEN *cnc_newterm(void) { return newterm(NULL, stdout, stdin); }

/* ---- restore at exit() ---- */
static inline void cnc__endwinAtExit(void) {
    if (!isendwin()) endwin();
}

/* Registers (once) an atexit handler that calls endwin() if curses is still active. */
static inline int cnc_endwinAtExit(void) {
    static int registered = 0;
    if (registered) return 0;
    registered = 1;
    return atexit(cnc__endwinAtExit);
}

/* ---- SIGWINCH self-pipe ---- */
static inline int *cnc__winchFd(void) {
    static int fd = -1;
    return &fd;
}

static inline struct sigaction *cnc__winchPrevious(void) {
    static struct sigaction previous = {0};
    return &previous;
}

/* Chains the previous (ncurses') SIGWINCH handler, then writes one byte to the pipe. Async-signal-safe. */
static inline void cnc__winchHandler(int sig, siginfo_t *info, void *context) {
    int savedErrno = errno;
    struct sigaction *previous = cnc__winchPrevious();
    if (previous->sa_flags & SA_SIGINFO) {
        if (previous->sa_sigaction) previous->sa_sigaction(sig, info, context);
    } else if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN) {
        previous->sa_handler(sig);
    }
    int fd = *cnc__winchFd();
    if (fd >= 0) {
        char byte = 1;
        ssize_t written = write(fd, &byte, 1);
        (void)written;
    }
    errno = savedErrno;
}

/*
 * Installs the SIGWINCH handler that writes to `writeFd` (non-blocking) after chaining the current
 * handler (install after newterm/initscr, which sets ncurses' own). Calling it again only swaps the fd.
 * Returns 0, or -1 with errno set.
 */
static inline int cnc_winchPipeInstall(int writeFd) {
    int *fd = cnc__winchFd();
    if (*fd >= 0) {
        *fd = writeFd;
        return 0;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = cnc__winchHandler;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    *fd = writeFd;
    if (sigaction(SIGWINCH, &action, cnc__winchPrevious()) != 0) {
        *fd = -1;
        return -1;
    }
    return 0;
}

/* Puts the previous SIGWINCH handler back; the pipe's fds may be closed afterwards. */
static inline int cnc_winchPipeRemove(void) {
    int *fd = cnc__winchFd();
    if (*fd < 0) return 0;
    *fd = -1;
    return sigaction(SIGWINCH, cnc__winchPrevious(), NULL);
}

/* ---- restore on a crash ---- */
/* The signals of a crash (Swift traps are SIGILL or SIGTRAP). */
static inline int cnc__crashSignal(int index) {
    switch (index) {
    case 0: return SIGSEGV;
    case 1: return SIGBUS;
    case 2: return SIGILL;
    case 3: return SIGFPE;
    case 4: return SIGABRT;
    case 5: return SIGTRAP;
    default: return 0;
    }
}

static inline struct sigaction *cnc__crashPrevious(int index) {
    static struct sigaction previous[6] = {{{0}}};
    return &previous[index];
}

static inline int *cnc__crashInstalled(void) {
    static int installed = 0;
    return &installed;
}

/*
 * Ends curses (as htop does; endwin is not async-signal-safe, but the process is dying anyway), puts the
 * previous handler back and returns: the faulting instruction runs again and the previous handler (Swift's
 * backtracer, or the default core dump) takes over with the terminal already restored. A signal sent with
 * kill() is raised again instead.
 */
static inline void cnc__crashHandler(int sig, siginfo_t *info, void *context) {
    (void)context;
    if (!isendwin()) endwin();
    for (int i = 0; cnc__crashSignal(i) != 0; i++) {
        sigaction(cnc__crashSignal(i), cnc__crashPrevious(i), NULL);
    }
    *cnc__crashInstalled() = 0;
    if (info == NULL || info->si_code <= 0) raise(sig);
}

/* Installs the crash handler for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT and SIGTRAP (once). */
static inline void cnc_crashRestoreInstall(void) {
    if (*cnc__crashInstalled()) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = cnc__crashHandler;
    action.sa_flags = SA_SIGINFO;  /* blocked while it runs: a fault inside it kills the process */
    sigemptyset(&action.sa_mask);
    for (int i = 0; cnc__crashSignal(i) != 0; i++) {
        sigaction(cnc__crashSignal(i), &action, cnc__crashPrevious(i));
    }
    *cnc__crashInstalled() = 1;
}

/* Puts the previous crash handlers back. */
static inline void cnc_crashRestoreRemove(void) {
    if (!*cnc__crashInstalled()) return;
    for (int i = 0; cnc__crashSignal(i) != 0; i++) {
        sigaction(cnc__crashSignal(i), cnc__crashPrevious(i), NULL);
    }
    *cnc__crashInstalled() = 0;
}

#endif
