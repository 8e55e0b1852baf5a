// Nothing to call: icu_data.c only defines, for the linker, the symbol ICU reads its data by.
// (SwiftPM wants a C target to have this directory.)
