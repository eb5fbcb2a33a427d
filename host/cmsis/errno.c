/* newlib's logf and expf report domain and range errors through errno,
 * which newlib reaches with __errno(); CMSIS-DSP's reference objects are
 * linked without newlib's libc, so this one-word errno stands in for it. */
int *__errno(void) {
  static int e;
  return &e;
}
