// arrow19-0-1 test: the arrow test program (tests/arrow.cpp) against Arrow 19.0.1, whose
// compute kernels are part of libarrow (no arrow::compute::Initialize yet).
#define EXPECT_ARROW_VERSION "19.0.1"
#include "arrow.cpp"
