/**
 * {@code ValkeySinkCluster}: cluster hiding for Redis/Valkey clusters (hash-slot routing, MOVED/ASK redirects,
 * multi-key and whole-keyspace commands split and folded). Everything here runs on the client connection's event
 * loop.
 */
package dev.shotover.transforms.valkey.cluster;
