/* A shared library that claims to be a Blade model library of a future ABI
 * version (library.test builds it with clang -shared). */
const char *blade_model_info(void) { return "blade-model-library 99\nend\n"; }
