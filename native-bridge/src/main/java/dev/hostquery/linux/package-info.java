package dev.hostquery.linux;
