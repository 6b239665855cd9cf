/* A model library whose code would need an ISA extension no runtime knows
   (as a library built for a newer CPU would): the runtime must refuse it. */
const char *blade_model_info(void) {
  return "blade-model-library 2\n"
         "entry 4:main\n"
         "target 7:future1 0:\n"
         "requires 12:avx2,avx9000\n"
         "end\n";
}
void main_entry(void **args) { (void)args; }
