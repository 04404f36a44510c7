/* dataset.c: placeholder */
