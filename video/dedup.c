/* dedup.c: placeholder */
