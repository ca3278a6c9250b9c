/* libffi test: call C functions through ffi_call (how ctypes and cffi call into C). */
#include <ffi.h>
#include <stdio.h>
#include <string.h>

static double scale(int a, double b, long long c) { return a * b + (double)c; }
static void greet(const char *who, char *out) { sprintf(out, "hello %s", who); }

int main(void) {
    ffi_cif cif;
    ffi_type *args[3] = {&ffi_type_sint, &ffi_type_double, &ffi_type_sint64};
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 3, &ffi_type_double, args) != FFI_OK) return 1;
    int a = 6; double b = 7.5; long long c = 3;
    void *values[3] = {&a, &b, &c};
    double result = 0;
    ffi_call(&cif, FFI_FN(scale), &result, values);
    if (result != 48.0) return 2;

    ffi_type *pargs[2] = {&ffi_type_pointer, &ffi_type_pointer};
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 2, &ffi_type_void, pargs) != FFI_OK) return 3;
    const char *who = "wasix"; char buf[32]; char *out = buf;
    void *pvalues[2] = {&who, &out};
    ffi_call(&cif, FFI_FN(greet), NULL, pvalues);
    if (strcmp(buf, "hello wasix") != 0) return 4;
    printf("libffi: scale(6, 7.5, 3) = %g, greet -> '%s', ffi_call OK\n", result, buf);
    return 0;
}
