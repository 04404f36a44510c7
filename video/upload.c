/* upload.c: placeholder */
