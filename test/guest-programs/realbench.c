/*
 * A benchmark shaped like real embedded code (in the spirit of CoreMark, written for jhsim):
 * pointer-chasing list search and merge sort, a small integer matrix multiply, a switch-based
 * state machine over a text, CRC-16 and checksum loops, function calls, some double math and
 * varargs formatting every iteration. Built with standard flags (the compiler may use the
 * FP/SIMD registers for copies, varargs and vectorised loops).
 *
 * The same source runs under `jhsim guest run` (on jhsim's C inmate runtime) and under
 * qemu-aarch64 as a static Linux process; each reports the time per iteration from the
 * generic timer's virtual counter (CNTVCT_EL0, readable at EL0 under Linux) and a checksum
 * that must match. ITERATIONS is set at build time (fewer for jhsim, whose bench run must stay
 * short; the per-iteration figures are compared), and the time per iteration after the first
 * WARMUP is printed too (steady state, once code is translated and optimised).
 */
#include <inmate.h>

#ifndef ITERATIONS
#define ITERATIONS 100
#endif
/* Iterations before the steady-state figure starts (a translator warms up, so does QEMU). */
#ifndef WARMUP
#define WARMUP (ITERATIONS / 4)
#endif

struct node {
  struct node *next;
  int idx;
  int data;
};

static struct node pool[400];
static int mat_a[24 * 24], mat_b[24 * 24], mat_c[24 * 24];
static char text[1024];

static unsigned crc16_byte(unsigned crc, unsigned char b) {
  for (int i = 0; i < 8; i++) {
    unsigned x = (crc ^ b) & 1;
    b >>= 1;
    crc >>= 1;
    if (x) crc ^= 0xA001;
  }
  return crc;
}

static unsigned crc16_word(unsigned crc, unsigned v) {
  crc = crc16_byte(crc, (unsigned char)v);
  return crc16_byte(crc, (unsigned char)(v >> 8));
}

static struct node *list_init(int n, unsigned seed) {
  struct node *head = 0;
  for (int i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    pool[i].idx = i;
    pool[i].data = (int)(seed >> 16) & 0x7fff;
    pool[i].next = head;
    head = &pool[i];
  }
  return head;
}

static struct node *list_find(struct node *l, int data) {
  while (l && l->data != data) l = l->next;
  return l;
}

static int cmp_data(const struct node *a, const struct node *b) { return a->data - b->data; }
static int cmp_idx(const struct node *a, const struct node *b) { return a->idx - b->idx; }

/* Bottom-up merge sort of a singly linked list, through a comparison function pointer. */
static struct node *list_sort(struct node *list, int (*cmp)(const struct node *, const struct node *)) {
  for (int insize = 1;; insize *= 2) {
    struct node *p = list, *tail = 0;
    int merges = 0;
    list = 0;
    while (p) {
      struct node *q = p;
      int psize = 0, qsize = insize;
      merges++;
      for (int i = 0; i < insize && q; i++, psize++) q = q->next;
      while (psize > 0 || (qsize > 0 && q)) {
        struct node *e;
        if (psize == 0) { e = q; q = q->next; qsize--; }
        else if (qsize == 0 || !q) { e = p; p = p->next; psize--; }
        else if (cmp(p, q) <= 0) { e = p; p = p->next; psize--; }
        else { e = q; q = q->next; qsize--; }
        if (tail) tail->next = e; else list = e;
        tail = e;
      }
      p = q;
    }
    tail->next = 0;
    if (merges <= 1) return list;
  }
}

static int matrix(int n, int k) {
  for (int i = 0; i < n * n; i++) {
    mat_a[i] = (i * 7 + k) & 0xff;
    mat_b[i] = (i * 13 - k) & 0xff;
  }
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      int s = 0;
      for (int x = 0; x < n; x++) s += mat_a[i * n + x] * mat_b[x * n + j];
      mat_c[i * n + j] = s;
    }
  int s = 0;
  for (int i = 0; i < n * n; i++) s ^= mat_c[i] + (s << 1);
  return s;
}

enum state { START, INT, FLOAT, EXP, SCI, INVALID, NSTATES };

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int state_machine(const char *p, int *counts) {
  enum state s = START;
  int n = 0;
  for (; *p; p++) {
    char c = *p;
    if (c == ',') {
      counts[s]++;
      s = START;
      n++;
      continue;
    }
    switch (s) {
    case START: s = is_digit(c) || c == '+' || c == '-' ? INT : c == '.' ? FLOAT : INVALID; break;
    case INT: s = is_digit(c) ? INT : c == '.' ? FLOAT : (c == 'e' || c == 'E') ? EXP : INVALID; break;
    case FLOAT: s = is_digit(c) ? FLOAT : (c == 'e' || c == 'E') ? EXP : INVALID; break;
    case EXP: s = c == '+' || c == '-' || is_digit(c) ? SCI : INVALID; break;
    case SCI: s = is_digit(c) ? SCI : INVALID; break;
    default: break;
    }
  }
  return n;
}

static unsigned checksum(const unsigned char *p, int n) {
  unsigned a = 1, b = 0;
  for (int i = 0; i < n; i++) {
    a = (a + p[i]) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

/* A little floating point: a damped oscillator integrated with a few steps. */
static double oscillate(int steps, double k) {
  double x = 1.0, v = 0.0;
  for (int i = 0; i < steps; i++) {
    double a = -k * x - 0.1 * v;
    v += a * 0.01;
    x += v * 0.01;
  }
  return x;
}

void inmate_main(void) {
  static const char *words[] = { "5012", "1234", "-874", "+122", "35.54", ".1234", "-110.7", "+0.64",
    "5.500e+3", "-.123e-2", "T0.3e-1F", "-T.T++Tq", "1T3.4e4z", "34.0e-T^" };
  int pos = 0;
  for (int i = 0; pos < (int)sizeof(text) - 12; i++) {
    const char *w = words[i % 14];
    while (*w) text[pos++] = *w++;
    text[pos++] = ',';
  }
  text[pos] = 0;

  unsigned crc = 0;
  int counts[NSTATES] = { 0 };
  char line[96];
  uint64_t t0 = timer_ticks(), tw = t0;
  for (int it = 0; it < ITERATIONS; it++) {
    if (it == WARMUP)
      tw = timer_ticks();
    struct node *l = list_init(400, (unsigned)it);
    for (int f = 0; f < 40; f++) {
      struct node *x = list_find(l, (f * 97 + it) & 0x7fff);
      crc = crc16_word(crc, x ? (unsigned)x->idx : 0xffffu);
    }
    l = list_sort(l, cmp_data);
    crc = crc16_word(crc, (unsigned)l->data);
    l = list_sort(l, cmp_idx);
    crc = crc16_word(crc, (unsigned)l->next->idx);
    crc = crc16_word(crc, (unsigned)matrix(24, it));
    crc = crc16_word(crc, (unsigned)state_machine(text, counts));
    crc = crc16_word(crc, checksum((const unsigned char *)text, 512));
    int n = snprintf(line, sizeof(line), "%d:%04x:%.4f", it, crc, oscillate(64, 1.0 + it % 5));
    crc = crc16_word(crc, checksum((const unsigned char *)line, n));
  }
  uint64_t t1 = timer_ticks();
  printk("realbench: %d iterations, crc 0x%04x, states %d %d %d %d %d %d, last \"%s\"\n", ITERATIONS, crc,
         counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], line);
  printk("realbench: %lu ticks per iteration at %lu Hz\n", (unsigned long)((t1 - t0) / ITERATIONS),
         (unsigned long)timer_freq());
  printk("realbench: %lu ticks per iteration after the first %d\n", (unsigned long)((t1 - tw) / (ITERATIONS - WARMUP)),
         WARMUP);
}
