package dev.shotover.api.cassandra;

/**
 * A CQL {@code duration} value: months, days and nanoseconds kept apart, because their lengths vary (a month is 28
 * to 31 days, a day can have a leap second). Cassandra requires all three to have the same sign.
 *
 * <p>Immutable; safe from any thread.
 *
 * @param months      the number of months
 * @param days        the number of days
 * @param nanoseconds the number of nanoseconds
 */
public record CqlDuration(int months, int days, long nanoseconds) {
}
