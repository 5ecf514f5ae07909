import { buildAsnCache } from './asn-table.ts';

/** Runs as a process of its own (see loadAsnTable): builds the ASN cache file in the directory given, and exits. */
buildAsnCache(process.argv[2] as string);
