/* Debian's static libraries (mbedtls, jansson, zstd, libseccomp) are built
 * against glibc with _FORTIFY_SOURCE, so they call glibc's checked variants of
 * a few libc functions. musl has no such variants: these forward to the plain
 * function after the same bounds check, aborting on overflow as glibc would. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void overflow(void) {
  static const char msg[] = "fatal: buffer overflow detected\n";
  write(2, msg, sizeof msg - 1);
  abort();
}

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_len) {
  if (n > dst_len) overflow();
  return memcpy(dst, src, n);
}
void *__memmove_chk(void *dst, const void *src, size_t n, size_t dst_len) {
  if (n > dst_len) overflow();
  return memmove(dst, src, n);
}
void *__memset_chk(void *dst, int c, size_t n, size_t dst_len) {
  if (n > dst_len) overflow();
  return memset(dst, c, n);
}
char *__strcpy_chk(char *dst, const char *src, size_t dst_len) {
  if (strlen(src) >= dst_len) overflow();
  return strcpy(dst, src);
}
char *__strncpy_chk(char *dst, const char *src, size_t n, size_t dst_len) {
  if (n > dst_len) overflow();
  return strncpy(dst, src, n);
}
char *__strcat_chk(char *dst, const char *src, size_t dst_len) {
  if (strlen(dst) + strlen(src) >= dst_len) overflow();
  return strcat(dst, src);
}
int __vsnprintf_chk(char *s, size_t n, int flag, size_t s_len, const char *fmt, va_list ap) {
  (void)flag;
  if (n > s_len) overflow();
  return vsnprintf(s, n, fmt, ap);
}
int __snprintf_chk(char *s, size_t n, int flag, size_t s_len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = __vsnprintf_chk(s, n, flag, s_len, fmt, ap);
  va_end(ap);
  return r;
}
int __vsprintf_chk(char *s, int flag, size_t s_len, const char *fmt, va_list ap) {
  (void)flag;
  int r = vsnprintf(s, s_len, fmt, ap);
  if (r < 0 || (size_t)r >= s_len) overflow();
  return r;
}
int __sprintf_chk(char *s, int flag, size_t s_len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = __vsprintf_chk(s, flag, s_len, fmt, ap);
  va_end(ap);
  return r;
}
int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap) {
  (void)flag;
  return vfprintf(f, fmt, ap);
}
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vfprintf(f, fmt, ap);
  va_end(ap);
  (void)flag;
  return r;
}
int __printf_chk(int flag, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vprintf(fmt, ap);
  va_end(ap);
  (void)flag;
  return r;
}
size_t __fread_chk(void *ptr, size_t ptr_len, size_t size, size_t n, FILE *f) {
  if (size && n > ptr_len / size) overflow();
  return fread(ptr, size, n, f);
}
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buf_len) {
  if (n > buf_len) overflow();
  return read(fd, buf, n);
}
void __explicit_bzero_chk(void *dst, size_t n, size_t dst_len) {
  if (n > dst_len) overflow();
  explicit_bzero(dst, n);
}
