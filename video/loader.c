/* loader.c: placeholder */
