/*
 * Discovery, as the product does it: relationships learnt from the HA hook's
 * parameters in each daemon's config-get, every peer mapped to a server
 * (adding the peers nobody listed), and disagreements between peers reported
 * as configuration faults instead of being merged silently.
 */
#ifndef KEAHA_DISCOVERY_H
#define KEAHA_DISCOVERY_H

#include "model.h"

/* Rebuilds m->rels from the daemons' configurations; returns servers added. */
int discovery_rebuild(struct model *m);

/* Some peer still has no server (waiting for configured servers to answer). */
bool discovery_has_unmapped(const struct model *m);

/* The name keaha gives a relationship whose configuration names none. */
void discovery_derive_name(const struct ha_rel_config *c, enum kea_service svc,
			   char *out, size_t size);

#endif
