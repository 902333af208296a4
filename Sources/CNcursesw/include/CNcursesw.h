#ifndef CNCURSESW_H
#define CNCURSESW_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
extern int wcwidth(wchar_t c);
static inline attr_t cnc_attrBold(void) { return A_BOLD; }
static inline attr_t cnc_attrReverse(void) { return A_REVERSE; }
static inline attr_t cnc_attrDim(void) { return A_DIM; }
static inline attr_t cnc_attrUnderline(void) { return A_UNDERLINE; }
static inline int cnc_keyF(int n) { return KEY_F(n); }
static inline void cnc_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
static inline WINDOW *cnc_stdscr(void) { return stdscr; }
#endif
