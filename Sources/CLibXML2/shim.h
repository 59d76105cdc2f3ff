#ifndef VIGIE_CLIBXML2_SHIM_H
#define VIGIE_CLIBXML2_SHIM_H
/* Debian builds libxml2 with ICU, whose headers clash with the ICU that Foundation bundles.
   Vigie only uses the SAX2 push parser, which never touches the ICU converter, so the ICU part
   of libxml2's encoding header is left out. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
/* zlib reads the files: it inflates a gzip-compressed one and passes any other through. */
#include <zlib.h>
#endif
