// The ICU data of the release binary: scripts/icu-data-subset's file (root and English, time
// zones and everything else no language owns), which build_release names in SLUICE_ICU_DATA and
// Package.swift passes here as SLUICE_ICU_DATA_FILE and SLUICE_ICU_DATA_SYMBOL. Defined under
// the symbol ICU looks its data up by (icudt<N>_dat), this object comes before the toolchain's
// libraries in the link, so the linker never takes lib_FoundationICU.a's 34 MB member that
// defines the same symbol. A build without the variable (swift build, the tests) defines
// nothing here and keeps the toolchain's whole data.
#if defined(SLUICE_ICU_DATA_FILE) && defined(SLUICE_ICU_DATA_SYMBOL)
// ICU reads the package in place and needs it 16-byte aligned.
__asm__(".section .rodata." SLUICE_ICU_DATA_SYMBOL ",\"a\",@progbits\n"
        ".globl " SLUICE_ICU_DATA_SYMBOL "\n"
        ".type " SLUICE_ICU_DATA_SYMBOL ",@object\n"
        ".p2align 4\n"
        SLUICE_ICU_DATA_SYMBOL ":\n"
        ".incbin \"" SLUICE_ICU_DATA_FILE "\"\n"
        ".size " SLUICE_ICU_DATA_SYMBOL ", . - " SLUICE_ICU_DATA_SYMBOL "\n"
        ".previous\n");
#endif
