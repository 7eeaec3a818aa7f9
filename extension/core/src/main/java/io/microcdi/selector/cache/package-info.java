/**
 * The built-in selectors ({@code random}, {@code roundrobin}, {@code leastrequests}, {@code p2c}): strategies over a
 * cached, watched view of the registry, with outlier ejection.
 */
package io.microcdi.selector.cache;
