// UART transmitter, 8N1, LSB first. `start` is taken when not busy; busy rises on the same edge.
`timescale 1ns/1ps
module uart_tx #(parameter integer CLKS_PER_BIT = 4) (
  input  wire       clk,
  input  wire       rst,
  input  wire       start,
  input  wire [7:0] data,
  output wire       tx,
  output reg        busy
);
  reg [9:0]  sh;
  reg [15:0] cnt;
  reg [3:0]  n;
  assign tx = busy ? sh[0] : 1'b1;
  always @(posedge clk) begin
    if (rst) begin
      busy <= 1'b0; sh <= 10'h3ff; cnt <= 16'd0; n <= 4'd0;
    end else if (!busy) begin
      if (start) begin sh <= {1'b1, data, 1'b0}; busy <= 1'b1; cnt <= 16'd0; n <= 4'd0; end
    end else if (cnt == CLKS_PER_BIT - 1) begin
      cnt <= 16'd0; sh <= {1'b1, sh[9:1]};
      if (n == 4'd9) busy <= 1'b0; else n <= n + 4'd1;
    end else cnt <= cnt + 16'd1;
  end
endmodule
