package dev.shotover.transforms.scatter;

import java.util.List;

/**
 * What every connection of one {@link ConsistentScatter} shares: its names and consistency levels. Immutable.
 *
 * @param name              the transform's occurrence name
 * @param chainName         the chain it is part of
 * @param writeConsistency  how many routes must succeed for a request that is not a read
 * @param readConsistency   how many routes must succeed for a read
 * @param routeNames        the routes' names, in route order
 */
record ScatterSettings(String name, String chainName, int writeConsistency, int readConsistency,
                       List<String> routeNames) {

    ScatterSettings {
        routeNames = List.copyOf(routeNames);
    }

    int routeCount() {
        return routeNames.size();
    }
}
