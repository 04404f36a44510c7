/* transfer.c: placeholder */
