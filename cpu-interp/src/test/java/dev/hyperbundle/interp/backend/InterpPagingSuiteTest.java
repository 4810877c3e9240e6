package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.PagingSuite;

class InterpPagingSuiteTest extends PagingSuite {
}
