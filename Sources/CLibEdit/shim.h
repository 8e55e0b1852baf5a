// libedit's el_set/el_get/history are C variadics, which Swift cannot call:
// each use is wrapped here in a small static inline function.
#ifndef SLUICE_CLIBEDIT_SHIM_H
#define SLUICE_CLIBEDIT_SHIM_H

#include <stdio.h>
#include <histedit.h>

#endif
