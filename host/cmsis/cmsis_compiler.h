/* plasticore's stand-in for CMSIS core's cmsis_compiler.h, which the
 * CMSIS-DSP source distribution does not ship: the attribute macros and the
 * intrinsics the compared kernels use, mapped to GCC attributes and the Arm
 * C Language Extensions (arm_acle.h). Used only by `plasticore bench` to
 * compile CMSIS-DSP's reference kernels with arm-none-eabi-gcc. */
#ifndef PLASTICORE_CMSIS_COMPILER_H
#define PLASTICORE_CMSIS_COMPILER_H

#include <stdint.h>
#include <arm_acle.h>

#define __ASM __asm
#define __INLINE inline
#define __STATIC_INLINE static inline
#define __STATIC_FORCEINLINE __attribute__((always_inline)) static inline
#define __NO_RETURN __attribute__((__noreturn__))
#define __USED __attribute__((used))
#define __WEAK __attribute__((weak))
#define __PACKED __attribute__((packed, aligned(1)))
#define __PACKED_STRUCT struct __attribute__((packed, aligned(1)))
#define __ALIGNED(x) __attribute__((aligned(x)))
#define __RESTRICT __restrict

/* Rotate right (ARMv6-M and up). */
__STATIC_FORCEINLINE uint32_t __ROR(uint32_t v, uint32_t n) {
  n &= 31U;
  return n == 0U ? v : (v >> n) | (v << (32U - n));
}

/* Count leading zeros; 32 for 0, as CMSIS core defines it. */
#define __CLZ(x) ((uint32_t)(((x) == 0U) ? 32U : (uint32_t)__builtin_clz(x)))

#if defined(__ARM_FEATURE_SAT) && __ARM_FEATURE_SAT == 1
#define __SSAT(x, b) __ssat((x), (b))
#define __USAT(x, b) __usat((x), (b))
#else
/* ARMv6-M: saturation in C, as CMSIS core does for cores without SSAT. */
__STATIC_FORCEINLINE int32_t __SSAT(int32_t v, uint32_t b) {
  const int32_t max = (int32_t)((1U << (b - 1U)) - 1U), min = -1 - max;
  return v > max ? max : (v < min ? min : v);
}
__STATIC_FORCEINLINE uint32_t __USAT(int32_t v, uint32_t b) {
  const uint32_t max = (1U << b) - 1U;
  return v > (int32_t)max ? max : (v < 0 ? 0U : (uint32_t)v);
}
#endif

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP == 1
#define __SMLAD(x, y, a) __smlad((x), (y), (a))
#define __SMLADX(x, y, a) __smladx((x), (y), (a))
#define __SMLALD(x, y, a) __smlald((x), (y), (a))
#define __SMUAD(x, y) __smuad((x), (y))
#define __SMUSD(x, y) __smusd((x), (y))
#define __SXTB16(x) __sxtb16((x))
#define __QADD(x, y) __qadd((x), (y))
#define __QSUB(x, y) __qsub((x), (y))
#define __QADD16(x, y) __qadd16((x), (y))
#define __QADD8(x, y) __qadd8((x), (y))
#define __PKHBT(a, b, s) ((((uint32_t)(a)) & 0x0000FFFFUL) | ((((uint32_t)(b)) << (s)) & 0xFFFF0000UL))
#define __PKHTB(a, b, s) ((((uint32_t)(a)) & 0xFFFF0000UL) | ((((uint32_t)(b)) >> (s)) & 0x0000FFFFUL))
#endif

#endif
