/** Creating the farm's topics at a worker's start ({@link dev.cnbfarm.runtime.admin.TopicAdmin}). */
package dev.cnbfarm.runtime.admin;
