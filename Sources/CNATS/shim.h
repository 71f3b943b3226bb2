// libnats, the official NATS C client (Debian libnats-dev), seen from Swift: the JetStream source and publisher.
#ifndef INCENTIVES_CNATS_SHIM_H
#define INCENTIVES_CNATS_SHIM_H

#include <nats/nats.h>

#endif
